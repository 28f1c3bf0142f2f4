import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type LogRecord, SegmentLog } from '../../log/index.js';
import type { SqlValue } from '../../types/index.js';
import type { OperatorContext, RowBatch } from '../operators.js';
import { ProcessingLog } from '../processing-log.js';
import { StateStores } from '../state/index.js';
import { StreamTableJoin, streamTableJoinStores } from './stream-table-join.js';

function batch(rows: (SqlValue[] | null)[], keys: SqlValue[], timestamps: number[]): RowBatch {
  return {
    rows: rows.map((r, i) => r ?? [keys[i], null, null, null, null]),
    deletes: rows.map((r) => r === null),
    timestamps,
    origins: rows.map((_, i) => i),
    records: rows.map((_, i) => ({ offset: i }) as LogRecord),
    partition: 0,
  };
}

test('stream rows meet the table row their key has now: upserts and tombstones change later matches, INNER drops and LEFT pads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-stream-table-join-'));
  const log = await SegmentLog.open({ dataDir: join(dir, 'log'), cleanerIntervalMs: 0 });
  const stores = await StateStores.open({
    log,
    stateDir: join(dir, 'state'),
    applicationId: 'app',
    partition: 0,
    partitions: 1,
    stores: streamTableJoinStores(),
  });
  try {
    const context: OperatorContext = {
      queryId: 'q',
      processingLog: new ProcessingLog(log, 'plog'),
      countFailure: () => {},
      stores,
    };
    // Stream rows: [ID, CUSTOMER, ROWTIME, ROWPARTITION, ROWOFFSET]; table rows: [ID, NAME, …pseudo].
    const layout = { leftWidth: 5, rightWidth: 5 };
    const make = (joinType: 'INNER' | 'LEFT') =>
      new StreamTableJoin({ joinType, streamKey: (r) => r[1], tableKey: (r) => r[0], ...layout }, context);
    const inner = make('INNER');
    const left = make('LEFT');
    inner.tableSide.process(
      batch(
        [
          [1, 'alice', null, null, null],
          [2, 'bob', null, null, null],
        ],
        [1, 2],
        [0, 0],
      ),
    );
    inner.tableSide.process(batch([null, [1, 'alice2', null, null, null]], [2, 1], [1, 1]));
    const orders = batch(
      [['o1', 1, null, null, null], ['o2', 2, null, null, null], ['o3', null, null, null, null], null],
      ['o1', 'o2', 'o3', 'o4'],
      [10, 20, 30, 40],
    );
    const joined = inner.streamSide.process(orders);
    assert.deepEqual(
      joined.rows.map((r) => [r[0], r[6], r[10], r[11]]),
      [['o1', 'alice2', 1, 10n]],
    );
    assert.deepEqual(joined.timestamps, [10]);
    const padded = left.streamSide.process(orders);
    assert.deepEqual(
      padded.rows.map((r) => [r[0], r[5], r[6], r[10]]),
      [
        ['o1', 1, 'alice2', 1],
        ['o2', null, null, 2],
      ],
    );
  } finally {
    await stores.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
