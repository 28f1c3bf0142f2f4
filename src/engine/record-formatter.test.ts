import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FormatGuess, formatsLine, RecordFormatter } from './record-formatter.js';

const int = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const long = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
};

test('a KAFKA INT key is shown as its number, with the formats that could also read it', () => {
  const keys = new FormatGuess('key');
  assert.equal(keys.format(int(7)), '7');
  assert.deepEqual(keys.possibleFormats(), ['KAFKA_INT', 'KAFKA_STRING']);
  assert.equal(formatsLine('Key format: ', keys.possibleFormats()), 'Key format: KAFKA_INT or KAFKA_STRING');
});

test('a JSON value is JSON or KAFKA_STRING, and a value that is not JSON rules JSON out', () => {
  const values = new FormatGuess('value');
  assert.equal(values.format(Buffer.from('{"A":1}')), '{"A":1}');
  assert.deepEqual(values.possibleFormats(), ['JSON', 'KAFKA_STRING']);
  assert.equal(values.format(Buffer.from('plain')), 'plain');
  assert.deepEqual(values.possibleFormats(), ['KAFKA_STRING']);
});

test('eight bytes read as BIGINT first, and a key with a window start as a windowed key', () => {
  const values = new FormatGuess('value');
  assert.equal(values.format(long(1700000000000n)), '1700000000000');
  assert.deepEqual(values.possibleFormats(), ['KAFKA_BIGINT', 'KAFKA_DOUBLE']);
  const keys = new FormatGuess('key');
  assert.equal(keys.format(Buffer.concat([int(5), long(1000n)])), '[5@1000/-]');
  // The four bytes 0 0 0 5 are also text, so the windowed KAFKA_STRING forms stay possible.
  assert.deepEqual(keys.possibleFormats(), [
    'HOPPING(KAFKA_INT)',
    'TUMBLING(KAFKA_INT)',
    'HOPPING(KAFKA_STRING)',
    'TUMBLING(KAFKA_STRING)',
  ]);
  const sessions = new FormatGuess('key');
  assert.equal(sessions.format(Buffer.concat([Buffer.from('k'), long(2000n), long(1000n)])), '[k@1000/2000]');
});

test('bytes no format reads are shown as Kafka prints bytes, and the header says none matches', () => {
  const values = new FormatGuess('value');
  assert.equal(values.format(Buffer.from([0xff, 0x41, 0x5c])), '\\xFFA\\x5C');
  assert.deepEqual(values.possibleFormats(), []);
  assert.equal(
    formatsLine('Value format: ', values.possibleFormats()),
    'Value format:  does not match any supported format. It may be a STRING with encoding other than UTF8, or some other format.',
  );
  assert.deepEqual(new FormatGuess('key').possibleFormats(), ['¯\\_(ツ)_/¯ - no data processed']);
});

test('a batch that rules out its first format is shown again with the format left', () => {
  const formatter = new RecordFormatter();
  const lines = formatter.formatBatch([
    { record: { key: null, value: Buffer.from('12'), timestamp: 0 }, partition: 0 },
    { record: { key: null, value: Buffer.from('x'), timestamp: 0 }, partition: 0 },
  ]);
  assert.deepEqual(lines, [
    'rowtime: 1970/01/01 00:00:00.000 Z, key: <null>, value: 12, partition: 0',
    'rowtime: 1970/01/01 00:00:00.000 Z, key: <null>, value: x, partition: 0',
  ]);
  assert.deepEqual(formatter.values.possibleFormats(), ['KAFKA_STRING']);
  assert.deepEqual(formatter.keys.possibleFormats(), ['¯\\_(ツ)_/¯ - no data processed']);
});
