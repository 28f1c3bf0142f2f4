import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogRecord, PartitionRecords } from '../log/index.js';
import { alignByTimestamp } from './timestamp-alignment.js';

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
