import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INTEGER, STRING } from '../types/index.js';
import { type ActualRecord, diffTopic } from './output-diff.js';
import { parseRecordsFile } from './test-files.js';

function expected(records: object[]) {
  return parseRecordsFile(JSON.stringify({ outputs: records }), 'output.json', 'outputs');
}

function actual(key: string, value: number, timestamp: number): ActualRecord {
  return { key: { type: STRING, value: key }, value: { type: INTEGER, value }, timestamp, headers: [] };
}

const options = { zeroTimestampMatchesAny: false };

test('matching records give no problems; an expected record without timestamp accepts any', () => {
  const wanted = expected([
    { topic: 'T', key: 'a', value: 1, timestamp: 5 },
    { topic: 'T', key: 'b', value: 2 },
  ]);
  assert.deepEqual(diffTopic('T', wanted, [actual('a', 1, 5), actual('b', 2, 99)], options), []);
});

test('a differing record shows expected and actual side by side with each difference', () => {
  const [problem] = diffTopic(
    'T',
    expected([{ topic: 'T', key: 'a', value: 1, timestamp: 5 }]),
    [actual('a', 2, 6)],
    options,
  );
  assert.equal(
    problem,
    [
      "Topic 'T', record 0 (outputs[0]) does not match:",
      '  expected: key "a", value 1, timestamp 5',
      '  actual:   key "a", value 2, timestamp 6',
      '  - value: expected 1 but was 2',
      '  - timestamp: expected 5 but was 6',
    ].join('\n'),
  );
});

test('missing and extra records are reported with their index in the topic', () => {
  const wanted = expected([
    { topic: 'T', key: 'a', value: 1 },
    { topic: 'T', key: 'b', value: 2 },
  ]);
  assert.deepEqual(diffTopic('T', wanted, [actual('a', 1, 0)], options), [
    'Topic \'T\', record 1 (outputs[1]) is missing: the topic has only 1 record(s).\n  expected: key "b", value 2',
  ]);
  assert.deepEqual(diffTopic('T', wanted.slice(0, 1), [actual('a', 1, 0), actual('c', 3, 7)], options), [
    'Topic \'T\', record 1 was not expected: output file lists 1 record(s) for this topic.\n  actual:   key "c", value 3, timestamp 7',
  ]);
});

test('a zero timestamp accepts any time only for tests fed by INSERT VALUES', () => {
  const wanted = expected([{ topic: 'T', key: 'a', value: 1, timestamp: 0 }]);
  assert.deepEqual(
    diffTopic('T', wanted, [actual('a', 1, 1700000000000)], { zeroTimestampMatchesAny: true }),
    [],
  );
  assert.equal(diffTopic('T', wanted, [actual('a', 1, 1700000000000)], options).length, 1);
});

test('headers must match exactly, and none are expected when the file gives none', () => {
  const withHeader: ActualRecord = {
    ...actual('a', 1, 0),
    headers: [{ key: 'h', value: Buffer.from('hi') }],
  };
  const [problem] = diffTopic('T', expected([{ topic: 'T', key: 'a', value: 1 }]), [withHeader], options);
  assert.match(problem, /- headers: expected \[\] but were \[\{"KEY":"h","VALUE":"aGk="\}\]/);
  const wanted = expected([{ topic: 'T', key: 'a', value: 1, headers: [{ KEY: 'h', VALUE: 'aGk=' }] }]);
  assert.deepEqual(diffTopic('T', wanted, [withHeader], options), []);
});

test('windows are compared: missing, extra and different windows are each named', () => {
  const wanted = expected([
    { topic: 'T', key: 'a', value: 1, window: { start: 0, end: 10, type: 'TIME' } },
    { topic: 'T', key: 'a', value: 1 },
    { topic: 'T', key: 'a', value: 1, window: { start: 0, end: 10, type: 'SESSION' } },
    { topic: 'T', key: 'a', value: 1, window: { start: 5, end: 10, type: 'TIME' } },
  ]);
  const time = { start: 0, end: 10, type: 'TIME' as const };
  const problems = diffTopic(
    'T',
    wanted,
    [
      actual('a', 1, 0),
      { ...actual('a', 1, 0), window: time },
      { ...actual('a', 1, 0), window: { start: 0, end: 10, type: 'SESSION' } },
      { ...actual('a', 1, 0), window: time },
    ],
    options,
  );
  assert.equal(problems.length, 3);
  assert.match(problems[0], /expected: key "a", value 1, window TIME \[0, 10\)/);
  assert.match(problems[0], /- window: expected TIME \[0, 10\) but the key has none/);
  assert.match(
    problems[1],
    /actual: {3}key "a", value 1, timestamp 0, window TIME \[0, 10\)\n {2}- window: expected none/,
  );
  assert.match(problems[2], /- window: expected TIME \[5, 10\) but was TIME \[0, 10\)/);
});

test('a record whose bytes cannot be read is reported, not thrown', () => {
  const unreadable: ActualRecord = { ...actual('a', 1, 0), value: { error: 'cannot be read as JSON: bad' } };
  const [problem] = diffTopic('T', expected([{ topic: 'T', key: 'a', value: 1 }]), [unreadable], options);
  assert.match(
    problem,
    /actual: {3}key "a", value \(unreadable\), timestamp 0\n {2}- value cannot be read as JSON: bad/,
  );
});
