import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type LogRecord, SegmentLog } from '../../log/index.js';
import type { SqlValue } from '../../types/index.js';
import {
  FilterOperator,
  type OperatorContext,
  ProjectOperator,
  type RowBatch,
  rowStepsOf,
} from '../operators.js';
import { ProcessingLog } from '../processing-log.js';
import { StateStores } from '../state/index.js';
import { StreamTableJoin, streamTableJoinStores } from './stream-table-join.js';
import { ABSENT, TableMirror } from './table-mirror.js';

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

async function withJoinStores(run: (context: OperatorContext, stores: StateStores) => Promise<void>) {
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
    await run(
      { queryId: 'q', processingLog: new ProcessingLog(log, 'plog'), countFailure: () => {}, stores },
      stores,
    );
  } finally {
    await stores.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const keyed = (join: StreamTableJoin, keys: SqlValue[]) =>
  join.streamSide
    .process(
      batch(
        keys.map((k, i) => [`o${i}`, k, null, null, null]),
        keys,
        keys.map((_, i) => i),
      ),
    )
    .rows.map((r) => [r[0], r[6]]);

test('a DOUBLE key -0.0 does not meet the row of 0.0 (their bytes differ, as in Kafka Streams), read from memory or from the store', async () => {
  await withJoinStores(async (context, stores) => {
    const make = () =>
      new StreamTableJoin(
        { joinType: 'INNER', streamKey: (r) => r[1], tableKey: (r) => r[0], leftWidth: 5, rightWidth: 5 },
        context,
      );
    const live = make();
    live.tableSide.process(batch([[0, 'zero', null, null, null]], [0], [0]));
    assert.deepEqual(keyed(live, [-0, 0]), [['o1', 'zero']]);
    await stores.commit();
    stores.flush();
    // A join made again (a restart) reads the row from the store's files.
    assert.deepEqual(keyed(make(), [0, -0]), [['o0', 'zero']]);
  });
});

test('DECIMAL keys join by value, and upserts and tombstones of such keys are seen by later stream rows', async () => {
  await withJoinStores(async (context) => {
    const d = (unscaled: bigint): SqlValue => ({ unscaled, scale: 2 });
    const left = new StreamTableJoin(
      { joinType: 'LEFT', streamKey: (r) => r[1], tableKey: (r) => r[0], leftWidth: 5, rightWidth: 5 },
      context,
    );
    left.tableSide.process(
      batch(
        [
          [d(150n), 'a', null, null, null],
          [d(250n), 'b', null, null, null],
        ],
        [d(150n), d(250n)],
        [0, 0],
      ),
    );
    assert.deepEqual(keyed(left, [d(150n), d(250n), d(350n)]), [
      ['o0', 'a'],
      ['o1', 'b'],
      ['o2', null],
    ]);
    left.tableSide.process(
      batch(
        [[d(150n), 'a2', null, null, null], null, [d(350n), 'c', null, null, null]],
        [d(150n), d(250n), d(350n)],
        [1, 1, 1],
      ),
    );
    assert.deepEqual(keyed(left, [d(150n), d(250n), d(350n)]), [
      ['o0', 'a2'],
      ['o1', null],
      ['o2', 'c'],
    ]);
  });
});

test('the mirror keeps rows by slot with their values (strings compacted, equal), reuses freed slots, and forgets its oldest keys beyond its capacity', () => {
  const mirror = new TableMirror(5, 2);
  const text = JSON.stringify({
    A: 'Zürich Hauptbahnhof',
    B: '東京タワー東京タワー東京タワー',
    C: `${'x'.repeat(40)}😀`,
  });
  const values = Object.values(JSON.parse(text)) as string[];
  const sliced = values.map((v) => text.slice(text.indexOf(v), text.indexOf(v) + v.length));
  const a = mirror.set(1, ['Portland', ...sliced, null]);
  const b = mirror.set(2, [['Port', 'land'].join(''), ...values]);
  assert.deepEqual(mirror.rowAt(a), ['Portland', ...values, null]);
  assert.deepEqual(mirror.rowAt(b), ['Portland', ...values, null]);
  // An update keeps the key's slot; a delete frees it for the next key.
  assert.equal(mirror.set(1, ['Bend', 'x', 'y', 'z', 1]), a);
  assert.deepEqual(mirror.rowAt(a), ['Bend', 'x', 'y', 'z', 1]);
  assert.equal(mirror.set(1, null), ABSENT);
  assert.equal(mirror.slotOf(1), ABSENT);
  // Full (keys 1 and 2): key 3 takes the oldest key's place, and key 4 the next one's slot.
  assert.equal(mirror.set(3, ['c', null, null, null, null]), a);
  assert.equal(mirror.slotOf(1), undefined);
  assert.equal(mirror.set(4, ['d', null, null, null, null]), b);
  assert.equal(mirror.slotOf(2), undefined);
  assert.deepEqual(mirror.rowAt(mirror.slotOf(3) as number), ['c', null, null, null, null]);
  assert.deepEqual(mirror.rowAt(mirror.slotOf(4) as number), ['d', null, null, null, null]);
});

test('the WHERE and SELECT handed to the join run on each joined row as the separate operators would: dropped rows, projected columns, a failing column NULL and logged with its joined row', async () => {
  await withJoinStores(async (base) => {
    const logged: unknown[] = [];
    const context: OperatorContext = {
      ...base,
      processingLog: {
        processingError: (_q: string, row: unknown) =>
          logged.push(JSON.stringify(row, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))),
      } as unknown as OperatorContext['processingLog'],
    };
    const spec = {
      joinType: 'LEFT' as const,
      streamKey: (r: readonly SqlValue[]) => r[1],
      tableKey: (r: readonly SqlValue[]) => r[0],
      leftWidth: 5,
      rightWidth: 5,
      fillsRowtime: true,
    };
    // WHERE the customer's name is not 'bob'; SELECT the order, the name, and 10 / the order's amount.
    const where = () => new FilterOperator({ predicate: (r) => r[6] !== 'bob', overTable: false }, context);
    const select = () =>
      new ProjectOperator(
        {
          projections: [
            (r) => r[0],
            (r) => r[6],
            (r) => {
              if (r[2] === 0) throw new Error('/ by zero');
              return 10 / (r[2] as number);
            },
            (r) => r[11],
          ],
          errorLabels: ['a', 'b', 'c', 'd'],
          keyProjections: [],
        },
        context,
      );
    const table = batch(
      [
        [1, 'alice', null, null, null],
        [2, 'bob', null, null, null],
      ],
      [1, 2],
      [0, 0],
    );
    const orders = () =>
      batch(
        [
          ['o1', 1, 5, null, null],
          ['o2', 2, 5, null, null],
          ['o3', 3, 0, null, null],
          ['o4', 1, 0, null, null],
        ],
        ['o1', 'o2', 'o3', 'o4'],
        [10, 20, 30, 40],
      );
    const separate = new StreamTableJoin(spec, context);
    separate.tableSide.process(table);
    const expected = select().process(where().process(separate.streamSide.process(orders())));
    const loggedSeparately = logged.splice(0);
    const fused = new StreamTableJoin(spec, context, rowStepsOf([where(), select()]));
    fused.tableSide.process(table);
    const got = fused.streamSide.process(orders());
    assert.deepEqual(got.rows, [
      ['o1', 'alice', 2, 10n],
      ['o3', null, null, 30n],
      ['o4', 'alice', null, 40n],
    ]);
    assert.deepEqual(got.rows, expected.rows);
    assert.deepEqual(got.timestamps, expected.timestamps);
    assert.deepEqual(got.origins, expected.origins);
    assert.deepEqual(got.deletes, expected.deletes);
    assert.deepEqual(logged, loggedSeparately);
    assert.equal(logged.length, 2);
    // A WHERE alone gives the joined rows themselves, each its own (the scratch row is not handed out).
    const filtered = new StreamTableJoin(spec, context, rowStepsOf([where()]));
    filtered.tableSide.process(table);
    const rows = filtered.streamSide.process(orders()).rows;
    assert.deepEqual(
      rows.map((r) => [r[0], r[6], r[11]]),
      [
        ['o1', 'alice', 10n],
        ['o3', null, 30n],
        ['o4', 'alice', 40n],
      ],
    );
    assert.throws(
      () => rowStepsOf([new FilterOperator({ predicate: () => true, overTable: true }, context)]),
      /a table’s filter turns rows into deletes/,
    );
  });
});

test('the mirror finds small whole-number keys by index and every other key by value, and forgets both in insertion order', () => {
  const mirror = new TableMirror(1, 3);
  const big = 2 ** 40;
  assert.equal(mirror.slotOf(5), undefined);
  const five = mirror.set(5, ['five']);
  assert.equal(mirror.set(1.5, ['one and a half']), 1);
  assert.equal(mirror.set(big, null), ABSENT);
  assert.equal(mirror.slotOf(5), five);
  assert.deepEqual(mirror.rowAt(mirror.slotOf(1.5) as number), ['one and a half']);
  assert.equal(mirror.slotOf(big), ABSENT);
  assert.equal(mirror.slotOf(6), undefined);
  assert.equal(mirror.slotOf(50_000), undefined);
  // Full: key 7 takes the place of 5, the oldest, which is no longer known by index either.
  assert.equal(mirror.set(7, ['seven']), five);
  assert.equal(mirror.slotOf(5), undefined);
  assert.deepEqual(mirror.rowAt(mirror.slotOf(7) as number), ['seven']);
  assert.equal(mirror.set(7, null), ABSENT);
  assert.equal(mirror.slotOf(7), ABSENT);
});
