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
import { aggregateStateCodec } from './aggregate-state.js';

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
  recordCacheMaxBytes?: number,
): Promise<{ op: AggregateOperator; failures: () => number; stores: StateStores }> {
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
    ...(recordCacheMaxBytes === undefined ? {} : { recordCacheMaxBytes }),
  };
  return { op: new AggregateOperator(s, context), failures: () => failures, stores };
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

test('with a record cache, updates of a group are forwarded once at the flush, with its latest row and the row downstream had', async () => {
  const { op, stores } = await operator(spec(0, 1, { sendOldValues: true }), 10_000_000);
  const out = op.process(
    batch(
      [
        ['a', 1],
        ['b', 2],
        ['a', 3],
        ['a', 4],
      ],
      [10, 20, 30, 25],
    ),
  );
  assert.deepEqual(out.rows, []);
  assert.equal(op.buffered, 2);
  // The store has every update at once (pull queries read it).
  const a = stores
    .keyValueStore('Aggregate-Aggregate-Materialize', aggregateStateCodec)
    .get(Buffer.from('a'));
  assert.equal(Number(a?.a[0]), 3);
  const flushed = op.flush();
  // Groups leave in the order they were last updated; a group's row time is its largest.
  assert.deepEqual(flushed?.rows, [
    ['b', 1n, 2],
    ['a', 3n, 8],
  ]);
  assert.deepEqual(flushed?.timestamps, [20, 30]);
  assert.deepEqual(flushed?.origins, [-1, -1]);
  assert.deepEqual(flushed?.previous, [null, null]);
  assert.equal(op.buffered, 0);
  assert.equal(op.flush(), undefined);
  op.process(batch([['a', 5]], [40]));
  assert.deepEqual(op.flush()?.previous, [['a', 3n, 8]]);
});

test('a full record cache asks to be flushed, and its flush forwards every group it holds, as Kafka Streams evicts a dirty entry', async () => {
  // Each entry counts ~130 bytes: room for two groups.
  const { op } = await operator(spec(0, 1), 300);
  assert.deepEqual(op.process(batch([['a', 1]], [10])).rows, []);
  assert.deepEqual(op.process(batch([['b', 1]], [20])).rows, []);
  assert.equal(op.overfull, false);
  const out = op.process(
    batch(
      [
        ['a', 1],
        ['c', 1],
      ],
      [30, 40],
    ),
  );
  assert.deepEqual(out.rows, []);
  assert.equal(op.overfull, true);
  // b, then a (last updated after b), then c.
  assert.deepEqual(op.flush()?.rows, [
    ['b', 1n, 1],
    ['a', 2n, 2],
    ['c', 1n, 1],
  ]);
  assert.equal(op.overfull, false);
  assert.equal(op.buffered, 0);
});

test('a cached hopping window count forwards each window once, and a table GROUP BY’s subtract and add coalesce', async () => {
  const hopping = await operator(
    spec(0, 1, { window: { kind: 'HOPPING', sizeMs: 100, advanceMs: 50, graceMs: 0, retentionMs: 100 } }),
    1_000_000,
  );
  hopping.op.process(
    batch(
      [
        ['a', 1],
        ['a', 2],
        ['a', 3],
      ],
      [60, 70, 80],
    ),
  );
  assert.deepEqual(hopping.op.flush()?.rows, [
    ['a', 3n, 6, 0n, 100n],
    ['a', 3n, 6, 50n, 150n],
  ]);
  const table = await operator(spec(1, 2, { tableKeyColumns: [0] }), 1_000_000);
  table.op.process(batch([[1, 'x', 5]], [10], [false], [null]));
  table.op.process(batch([[1, 'x', 6]], [20], [false], [[1, 'x', 5]]));
  assert.deepEqual(table.op.flush()?.rows, [['x', 1n, 6]]);
});

test('a cached session merge forwards a tombstone only for a session downstream saw', async () => {
  const { op } = await operator(
    spec(0, 1, { window: { kind: 'SESSION', gapMs: 10, graceMs: 0, retentionMs: 10 } }),
    1_000_000,
  );
  op.process(batch([['a', 1]], [100]));
  assert.deepEqual(op.flush()?.rows, [['a', 1n, 1, 100n, 100n]]);
  // [105] is made and absorbed into [100,108] before the next flush: only [100,100] gets a tombstone.
  op.process(
    batch(
      [
        ['a', 2],
        ['a', 3],
      ],
      [105, 108],
    ),
  );
  const out = op.flush();
  assert.deepEqual(out?.rows, [
    ['a', null, null, 100n, 100n],
    ['a', 3n, 6, 100n, 108n],
  ]);
  assert.deepEqual(out?.deletes, [true, false]);
});

test('EMIT FINAL rows bypass the record cache', async () => {
  const { op } = await operator(
    spec(0, 1, {
      window: { kind: 'TUMBLING', sizeMs: 100, advanceMs: 100, graceMs: 0, retentionMs: 100 },
      emitFinal: true,
    }),
    1_000_000,
  );
  op.process(batch([['a', 1]], [50]));
  assert.deepEqual(op.process(batch([['b', 2]], [120])).rows, [['a', 1n, 1, 0n, 100n]]);
  assert.equal(op.buffered, 0);
});

test('a record cache flush in parts gives the groups in the same order, then nothing', async () => {
  const { op } = await operator(spec(0, 1), 1_000_000);
  op.process(
    batch(
      [
        ['a', 1],
        ['b', 1],
        ['c', 1],
        ['a', 1],
      ],
      [10, 20, 30, 40],
    ),
  );
  assert.deepEqual(op.flush(2)?.rows, [
    ['b', 1n, 1],
    ['c', 1n, 1],
  ]);
  assert.equal(op.buffered, 1);
  assert.deepEqual(op.flush(2)?.rows, [['a', 2n, 2]]);
  assert.equal(op.flush(2), undefined);
});

test('a cached session updated within its bounds forwards one row per flush, no tombstone for its own window', async () => {
  const { op } = await operator(
    spec(0, 1, { window: { kind: 'SESSION', gapMs: 10, graceMs: 0, retentionMs: 10 } }),
    1_000_000,
  );
  op.process(
    batch(
      [
        ['a', 1],
        ['a', 1],
        ['a', 1],
      ],
      [100, 100, 108],
    ),
  );
  assert.deepEqual(op.flush()?.rows, [['a', 3n, 3, 100n, 108n]]);
  // 104 falls inside [100,108]: the session keeps its bounds, downstream gets its new row only.
  op.process(batch([['a', 1]], [104]));
  const out = op.flush();
  assert.deepEqual(out?.rows, [['a', 4n, 4, 100n, 108n]]);
  assert.deepEqual(out?.deletes, [false]);
});
