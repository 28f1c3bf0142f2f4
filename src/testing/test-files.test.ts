import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRecordsFile, TestFileError } from './test-files.js';

test('records keep topic, key, value, timestamp, headers and window, with their place in the file', () => {
  const [record] = parseRecordsFile(
    JSON.stringify({
      outputs: [
        {
          topic: 'OUT',
          key: 'k',
          value: { A: 1 },
          timestamp: 42,
          headers: [{ KEY: 'h', VALUE: Buffer.from('hi').toString('base64') }],
          window: { start: 0, end: 1000, type: 'time' },
        },
      ],
    }),
    'output.json',
    'outputs',
  );
  assert.equal(record.topic, 'OUT');
  assert.deepEqual(record.key, { kind: 'string', value: 'k' });
  assert.equal(record.timestamp, 42);
  assert.deepEqual(record.headers, [{ key: 'h', value: Buffer.from('hi') }]);
  assert.deepEqual(record.window, { start: 0, end: 1000, type: 'TIME' });
  assert.equal(record.location, 'outputs[0]');
});

test('a record without key or timestamp has a null key and no timestamp to check', () => {
  const [record] = parseRecordsFile('{"inputs": [{"topic": "t", "value": null}]}', 'input.json', 'inputs');
  assert.deepEqual(record.key, { kind: 'null' });
  assert.deepEqual(record.value, { kind: 'null' });
  assert.equal(record.timestamp, undefined);
});

test('mistakes in a file are named by file, record and field', () => {
  const cases: [string, RegExp][] = [
    ['{"inputs": [{"value": 1}]}', /^input\.json: inputs\[0\]\.topic is missing/],
    ['{"inputs": [{"topic": "t"}]}', /inputs\[0\]\.value is missing/],
    ['{"inputs": [{"topic": "t", "value": 1, "timestmap": 5}]}', /unknown field\(s\) "timestmap"/],
    ['{"inputs": [{"topic": "t", "value": 1, "timestamp": "soon"}]}', /timestamp must be a whole number/],
    ['{"inputs": [{"topic": "t", "value": 1, "headers": {"a": 1}}]}', /headers must be an array/],
    ['{"records": []}', /must be a JSON object with an array field "inputs"/],
    ['{"inputs": [', /input\.json is not valid JSON: .* at line 1, column 13/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseRecordsFile(text, 'input.json', 'inputs'),
      (err: unknown) => err instanceof TestFileError && message.test(err.message),
      text,
    );
  }
});

test('an output file that expects nothing is refused', () => {
  assert.throws(() => parseRecordsFile('{"outputs": []}', 'output.json', 'outputs'), /"outputs" is empty/);
});
