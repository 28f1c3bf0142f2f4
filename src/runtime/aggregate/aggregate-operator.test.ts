import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { builtinAggregates } from '../../functions/index.js';
import { SegmentLog } from '../../log/index.js';
import type { SqlValue } from '../../types/index.js';
import { BIGINT, INTEGER } from '../../types/index.js';
import type { OperatorContext, RowBatch } from '../operators.js';
import { ProcessingLog } from '../processing-log.js';
import { StateStores } from '../state/index.js';
import { AggregateOperator, type AggregateOperatorSpec, aggregateStoreSpecs } from './aggregate-operator.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** SELECT <group>, COUNT(*), SUM(<amount>) … GROUP BY <group>, over rows of the given layout. */
function spec(
  group: number,
  amount: number,
  extra: Partial<AggregateOperatorSpec> = {},
): AggregateOperatorSpec {
  return {
    groupBy: [(row) => row[group]],
    serializeKey: (values) => Buffer.from(String(values[0])),
    calls: [
      { aggregate: builtinAggregates.resolve('COUNT', [BIGINT]), args: [] },
      { aggregate: builtinAggregates.resolve('SUM', [INTEGER]), args: [(row) => row[amount]] },
    ],
    ...extra,
  };
}

async function operator(
  s: AggregateOperatorSpec,
): Promise<{ op: AggregateOperator; failures: () => number }> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-aggregate-op-'));
  const log = await SegmentLog.open({ dataDir: join(dir, 'log'), cleanerIntervalMs: 0 });
  const stores = await StateStores.open({
    log,
    stateDir: join(dir, 'state'),
    applicationId: '_confluent-ksql-default_query_CTAS_T_0',
    partition: 0,
    partitions: 1,
    stores: aggregateStoreSpecs(s),
  });
  cleanup.push(async () => {
    await stores.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  let failures = 0;
  const context: OperatorContext = {
    queryId: 'CTAS_T_0',
    processingLog: new ProcessingLog(log, 'default_ksql_processing_log'),
    countFailure: () => {
      failures++;
    },
    stores,
  };
  return { op: new AggregateOperator(s, context), failures: () => failures };
}

function batch(
  rows: SqlValue[][],
  timestamps: number[],
  deletes: boolean[] = rows.map(() => false),
  previous?: (SqlValue[] | null)[],
): RowBatch {
  return {
    rows,
    deletes,
    timestamps,
    origins: rows.map((_, i) => i),
    records: [],
    partition: 0,
    ...(previous === undefined ? {} : { previous }),
  };
}

test('a stream GROUP BY gives the group values then each result per update; deletes and NULL groups are left out', async () => {
  const { op, failures } = await operator(spec(0, 1));
  const out = op.process(
    batch(
      [
        ['east', 5],
        ['west', 1],
        ['east', null],
        [null, 3],
        ['east', 9],
      ],
      [10, 20, 30, 40, 50],
      [false, false, false, false, true],
    ),
  );
  assert.deepEqual(out.rows, [
    ['east', 1n, 5],
    ['west', 1n, 1],
    ['east', 2n, 5],
  ]);
  assert.deepEqual(out.timestamps, [10, 20, 30]);
  assert.deepEqual(out.origins, [0, 1, 2]);
  assert.equal(failures(), 1);
});

test('a table GROUP BY subtracts the row a key replaces and a deleted key’s row', async () => {
  // Rows: ID (the table's key), REGION, AMOUNT; `previous` is what the table source gives.
  const { op } = await operator(spec(1, 2, { tableKeyColumns: [0] }));
  const out = op.process(
    batch(
      [
        [1, 'east', 5],
        [1, 'west', 5],
        [1, null, null],
        [2, null, null],
      ],
      [10, 20, 30, 40],
      [false, false, true, true],
      [null, [1, 'east', 5], [1, 'west', 5], null],
    ),
  );
  assert.deepEqual(out.rows, [
    ['east', 1n, 5],
    ['east', 0n, 0],
    ['west', 1n, 5],
    ['west', 0n, 0],
  ]);
  assert.deepEqual(out.deletes, [false, false, false, false]);
});

test('with sendOldValues each change carries the group row it replaces (null for a new group)', async () => {
  const { op } = await operator(spec(0, 1, { sendOldValues: true }));
  const out = op.process(
    batch(
      [
        ['a', 1],
        ['b', 2],
        ['a', 3],
      ],
      [10, 20, 30],
    ),
  );
  assert.deepEqual(out.previous, [null, null, ['a', 1n, 1]]);
  const table = await operator(spec(1, 2, { tableKeyColumns: [0], sendOldValues: true }));
  const moved = table.op.process(batch([[1, 'x', 5]], [10], [false], [[1, 'y', 4]]));
  // The row leaves group y (its old row: nothing subtracted yet, so none), then joins x (new).
  assert.deepEqual(moved.previous, [null]);
  const again = table.op.process(batch([[1, 'x', 6]], [20], [false], [[1, 'x', 5]]));
  assert.deepEqual(again.rows, [
    ['x', 0n, 0],
    ['x', 1n, 6],
  ]);
  assert.deepEqual(again.previous, [
    ['x', 1n, 5],
    ['x', 0n, 0],
  ]);
});

test('a windowed GROUP BY adds WINDOWSTART and WINDOWEND, and a session merge deletes the absorbed rows', async () => {
  const tumbling = await operator(
    spec(0, 1, { window: { kind: 'TUMBLING', sizeMs: 100, advanceMs: 100, graceMs: 0, retentionMs: 100 } }),
  );
  assert.deepEqual(tumbling.op.process(batch([['a', 1]], [150])).rows, [['a', 1n, 1, 100n, 200n]]);

  const session = await operator(
    spec(0, 1, { window: { kind: 'SESSION', gapMs: 10, graceMs: 0, retentionMs: 10 } }),
  );
  const out = session.op.process(
    batch(
      [
        ['a', 1],
        ['a', 2],
      ],
      [100, 105],
    ),
  );
  assert.deepEqual(out.rows, [
    ['a', 1n, 1, 100n, 100n],
    ['a', null, null, 100n, 100n],
    ['a', 2n, 3, 100n, 105n],
  ]);
  assert.deepEqual(out.deletes, [false, true, false]);
});

test('EMIT FINAL rows carry their group values from the store', async () => {
  const { op } = await operator(
    spec(0, 1, {
      window: { kind: 'TUMBLING', sizeMs: 100, advanceMs: 100, graceMs: 0, retentionMs: 100 },
      emitFinal: true,
    }),
  );
  assert.deepEqual(op.process(batch([['a', 1]], [50])).rows, []);
  assert.deepEqual(op.process(batch([['b', 2]], [120])).rows, [['a', 1n, 1, 0n, 100n]]);
});

test('declares the stores it needs with ksqlDB’s names', () => {
  assert.deepEqual(
    aggregateStoreSpecs(
      spec(0, 1, {
        tableKeyColumns: [0],
      }),
    ).map((s) => s.name),
    ['Aggregate-Aggregate-Materialize'],
  );
  assert.deepEqual(
    aggregateStoreSpecs(
      spec(0, 1, { window: { kind: 'SESSION', gapMs: 5, graceMs: 0, retentionMs: 5 }, emitFinal: true }),
    ),
    [
      { name: 'Aggregate-Aggregate-Materialize', kind: 'session', retentionMs: 5 },
      { name: 'Aggregate-Aggregate-Emit', kind: 'keyValue' },
    ],
  );
});
