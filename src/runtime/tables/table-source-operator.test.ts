import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { type LogRecord, SegmentLog } from '../../log/index.js';
import type { SqlValue } from '../../types/index.js';
import { INTEGER, STRING } from '../../types/index.js';
import { FilterOperator, type OperatorContext, type RowBatch } from '../operators.js';
import { ProcessingLog } from '../processing-log.js';
import type { RuntimeSource } from '../runtime-source.js';
import { StateStores } from '../state/index.js';
import { TableSourceOperator, tableSourceStoreSpec } from './table-source-operator.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

// users (id STRING PRIMARY KEY, score INT); rows: ID, SCORE, ROWTIME, ROWPARTITION, ROWOFFSET.
const users: RuntimeSource = {
  kind: 'TABLE',
  name: 'USERS',
  columns: [
    { name: 'ID', type: STRING, namespace: 'KEY' },
    { name: 'SCORE', type: INTEGER, namespace: 'VALUE' },
  ],
  topic: 'users',
  keyFormat: 'KAFKA',
  valueFormat: 'JSON',
  serde: {},
};

async function context(): Promise<{ context: OperatorContext; failures: () => number; log: SegmentLog }> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-table-source-'));
  const log = await SegmentLog.open({ dataDir: join(dir, 'log'), cleanerIntervalMs: 0 });
  const stores = await StateStores.open({
    log,
    stateDir: join(dir, 'state'),
    applicationId: '_confluent-ksql-default_query_CTAS_T_0',
    partition: 0,
    partitions: 1,
    stores: [tableSourceStoreSpec()],
  });
  cleanup.push(async () => {
    await stores.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  let failures = 0;
  const processingLog = new ProcessingLog(log, 'default_ksql_processing_log');
  await processingLog.ensure();
  return {
    context: {
      queryId: 'CTAS_T_0',
      processingLog,
      countFailure: () => {
        failures++;
      },
      stores,
    },
    failures: () => failures,
    log,
  };
}

/** Rows of (id, score); a null score is a deleted key. */
function changes(rows: [string | null, number | null][]): RowBatch {
  const records: LogRecord[] = rows.map(([id], offset) => ({
    offset,
    timestamp: offset * 10,
    key: id === null ? null : Buffer.from(id),
    value: null,
    headers: [],
  }));
  return {
    rows: rows.map(([id, score], i): SqlValue[] => [id, score, BigInt(i * 10), 0, BigInt(i)]),
    deletes: rows.map(([, score]) => score === null),
    timestamps: rows.map((_, i) => i * 10),
    origins: rows.map((_, i) => i),
    records,
    partition: 0,
  };
}

test('each change goes on with the row it replaces; a NULL key is dropped to the processing log', async () => {
  const { context: ctx, failures, log } = await context();
  const table = new TableSourceOperator(users, ctx);
  const out = table.process(
    changes([
      ['a', 1],
      ['b', 2],
      ['a', 3],
      [null, 4],
      ['a', null],
      ['c', null],
    ]),
  );
  assert.deepEqual(
    out.rows.map((r) => r.slice(0, 2)),
    [
      ['a', 1],
      ['b', 2],
      ['a', 3],
      ['a', null],
      ['c', null],
    ],
  );
  assert.deepEqual(out.deletes, [false, false, false, true, true]);
  assert.deepEqual(
    out.previous?.map((r) => r?.slice(0, 2) ?? null),
    [null, null, ['a', 1], ['a', 3], null],
  );
  assert.deepEqual(out.origins, [0, 1, 2, 4, 5]);
  assert.deepEqual(table.rowOf(['b'])?.slice(0, 2), ['b', 2]);
  assert.equal(table.rowOf(['a']), undefined);
  assert.equal(failures(), 1);
  await ctx.processingLog.flush();
  const [entry] = (await log.read('default_ksql_processing_log', 0, 0)).records;
  const message = JSON.parse(String(entry.value)).MESSAGE.RECORDPROCESSINGERROR.ERRORMESSAGE;
  assert.match(message, /NULL key.*topic=\[users\] partition=\[0\] offset=\[3\]/);
});

test('a WHERE over the changes deletes a key only when its old row had passed', async () => {
  const { context: ctx } = await context();
  const table = new TableSourceOperator(users, ctx);
  const where = new FilterOperator({ predicate: (row) => (row[1] as number) > 5, overTable: true }, ctx);
  const out = where.process(
    table.process(
      changes([
        ['a', 1], // never passes: nothing
        ['a', null], // its old row never passed: nothing
        ['b', 7], // passes: upsert
        ['b', 3], // no longer passes: delete
        ['b', 2], // still not: nothing
        ['c', 9],
        ['c', null], // deleted after passing: delete
        ['d', null], // a key never seen: nothing
      ]),
    ),
  );
  assert.deepEqual(
    out.rows.map((r) => r.slice(0, 2)),
    [
      ['b', 7],
      ['b', 3],
      ['c', 9],
      ['c', null],
    ],
  );
  assert.deepEqual(out.deletes, [false, true, false, true]);
  assert.deepEqual(
    out.previous?.map((r) => r?.slice(0, 2) ?? null),
    [null, ['b', 7], null, ['c', 9]],
  );
});
