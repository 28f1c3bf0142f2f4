import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRecord, PartitionRecords } from '../log/index.js';
import { alignByTimestamp, BufferedInputs } from './timestamp-alignment.js';

function batch(topic: string, partition: number, times: number[], firstOffset = 0): PartitionRecords {
  const records = times.map(
    (timestamp, i): LogRecord => ({
      offset: firstOffset + i,
      timestamp,
      key: null,
      value: null,
      headers: [],
    }),
  );
  return { topic, partition, records, nextOffset: firstOffset + times.length + 1 };
}

const shape = (runs: PartitionRecords[]) =>
  runs.map((r) => `${r.topic}${r.partition}:${r.records.map((x) => x.timestamp).join(',')}@${r.nextOffset}`);

test('runs follow the smallest head timestamp across partitions, each resuming where the run before left off', () => {
  const runs = alignByTimestamp(
    [batch('orders', 0, [20, 50, 150]), batch('customers', 0, [10, 100], 7)],
    ['customers', 'orders'],
  );
  assert.deepEqual(shape(runs), ['customers0:10@8', 'orders0:20,50@2', 'customers0:100@10', 'orders0:150@4']);
});

test('equal timestamps go to the topic listed first (a join’s table side), and a record out of order in its partition waits behind its head', () => {
  const runs = alignByTimestamp(
    [batch('orders', 0, [5, 1]), batch('customers', 1, [5, 3])],
    ['customers', 'orders'],
  );
  // Heads only: customers@5 first on the tie, then its 3 (smaller than orders' head 5), then orders.
  assert.deepEqual(shape(runs), ['customers1:5,3@3', 'orders0:5,1@3']);
});

test('one partition with records, or none, is passed through; empty batches keep their positions', () => {
  const only = [batch('orders', 0, [3, 2, 1]), batch('customers', 0, [], 4)];
  assert.deepEqual(alignByTimestamp(only, ['customers', 'orders']), only);
  const runs = alignByTimestamp(
    [batch('orders', 0, [2]), batch('customers', 0, [], 4), batch('customers', 1, [1])],
    ['customers', 'orders'],
  );
  assert.deepEqual(shape(runs), ['customers0:@5', 'customers1:1@2', 'orders0:2@2']);
});

test('buffered inputs hold everything while a partition with unfetched records has none here, then go as far as it lets them', () => {
  const inputs = new BufferedInputs(['customers', 'orders']);
  const orders = { topic: 'orders', partition: 0 };
  const customers = { topic: 'customers', partition: 0 };
  inputs.add([batch('customers', 0, [1, 5, 9])]);
  assert.deepEqual(inputs.take([orders]), [], 'the orders partition may hold an earlier record');
  assert.equal(inputs.count('customers', 0), 3);
  inputs.add([batch('orders', 0, [4, 20], 10)]);
  // Both still have unfetched records: customers@1, orders@4, customers@5,9, then customers ran dry.
  assert.deepEqual(shape(inputs.take([orders, customers])), [
    'customers0:1@1',
    'orders0:4@11',
    'customers0:5,9@4',
  ]);
  assert.equal(inputs.count('orders', 0), 1);
  assert.equal(inputs.holding, true);
  // Nothing more to fetch anywhere: the rest goes.
  assert.deepEqual(shape(inputs.take([])), ['orders0:20@13']);
  assert.equal(inputs.holding, false);
});
