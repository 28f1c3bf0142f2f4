import assert from 'node:assert/strict';
import { test } from 'node:test';
import { murmur2, partitionForKey } from './partitioner.js';

// Expected values are the ones Kafka's own murmur2 test asserts for the same inputs.
const kafkaVectors: Array<[string, number]> = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

test('murmur2 gives the same hashes as Kafka', () => {
  for (const [input, expected] of kafkaVectors) {
    assert.equal(murmur2(Buffer.from(input)), expected, input);
  }
});

test('keys choose partitions as Kafka does: positive hash modulo the partition count', () => {
  assert.equal(partitionForKey(Buffer.from('21'), 6), (-973932308 & 0x7fffffff) % 6);
  for (const [input] of kafkaVectors) {
    const p = partitionForKey(Buffer.from(input), 3);
    assert.ok(p >= 0 && p < 3);
  }
});
