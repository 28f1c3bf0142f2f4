import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PASSED_REPORT, runTestCase, type TestCase } from './test-case-runner.js';
import { parseRecordsFile } from './test-files.js';

const parent = mkdtempSync(join(tmpdir(), 'sluice-runner-test-'));
after(() => rmSync(parent, { recursive: true, force: true }));

function testCase(statements: string, inputs: object[], outputs: object[]): TestCase {
  return {
    statements,
    inputs: parseRecordsFile(JSON.stringify({ inputs }), 'input.json', 'inputs'),
    outputs: parseRecordsFile(JSON.stringify({ outputs }), 'output.json', 'outputs'),
  };
}

const STREAMS = `
  CREATE STREAM s (id INT KEY, name STRING) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');
  CREATE STREAM t AS SELECT id, LCASE(name) AS name FROM s;`;

test('a passing case reports ksqlDB’s passed line and leaves no data dir behind', async () => {
  const outcome = await runTestCase(
    testCase(
      STREAMS,
      [{ topic: 's', key: 1, value: { NAME: 'Ann' }, timestamp: 7 }],
      [{ topic: 'T', key: 1, value: { NAME: 'ann' }, timestamp: 7 }],
    ),
    { tempParent: parent },
  );
  assert.deepEqual(outcome, { passed: true, report: PASSED_REPORT });
  assert.deepEqual(readdirSync(parent), []);
});

test('statements share SET and DEFINE like one ksqlDB request, and INSERT VALUES can feed the test', async () => {
  const outcome = await runTestCase(
    testCase(
      `DEFINE topic = 'people';
       CREATE STREAM p (id INT KEY, name STRING) WITH (KAFKA_TOPIC='\${topic}', VALUE_FORMAT='JSON');
       CREATE STREAM q AS SELECT id, name FROM p;
       INSERT INTO p (id, name) VALUES (1, 'ann');`,
      [],
      // With no input records, an expected timestamp of 0 accepts the wall-clock time (ksqlDB's rule).
      [{ topic: 'Q', key: 1, value: { NAME: 'ann' }, timestamp: 0 }],
    ),
    { tempParent: parent },
  );
  assert.equal(outcome.report, PASSED_REPORT);
});

test('an input record for a topic no statement reads stops the test with its place in the file', async () => {
  const outcome = await runTestCase(
    testCase(STREAMS, [{ topic: 'nowhere', value: {} }], [{ topic: 'T', value: {} }]),
    { tempParent: parent },
  );
  assert.equal(outcome.passed, false);
  assert.equal(
    outcome.report,
    "\t>>>>> Test failed: inputs[0] is for topic 'nowhere', which no stream or table of the statements reads.",
  );
});

test('an input value the topic’s format cannot hold stops the test and says why', async () => {
  const outcome = await runTestCase(
    testCase(
      `CREATE STREAM k (id INT KEY, v STRING) WITH (KAFKA_TOPIC='k', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');`,
      [{ topic: 'k', key: 'one', value: { V: 'x' } }],
      [{ topic: 'k', value: {} }],
    ),
    { tempParent: parent },
  );
  assert.equal(
    outcome.report,
    `\t>>>>> Test failed: inputs[0] cannot be written to topic 'k': "one" cannot be written as INTEGER in the KAFKA format.`,
  );
});

test('an expected topic that nothing creates is a problem of the output, not a crash', async () => {
  const outcome = await runTestCase(
    testCase(
      STREAMS,
      [{ topic: 's', key: 1, value: { NAME: 'A' }, timestamp: 1 }],
      [
        { topic: 'T', key: 1, value: { NAME: 'a' }, timestamp: 1 },
        { topic: 'MISSING', value: 1 },
      ],
    ),
    { tempParent: parent },
  );
  assert.equal(
    outcome.report,
    [
      '\t>>>>> Test failed: the output does not match the output file (1 problem).',
      "Topic 'MISSING' (outputs[1]) is not the topic of any stream or table the statements create.",
    ].join('\n\n'),
  );
});

test('a statement that fails is reported with its text and error, and the data dir is still removed', async () => {
  const outcome = await runTestCase(
    testCase(
      "CREATE STREAM bad (id INT KEY) WITH (KAFKA_TOPIC='b', VALUE_FORMAT='XML');",
      [],
      [{ topic: 'b', value: 1 }],
    ),
    { tempParent: parent },
  );
  assert.match(outcome.report, /^\t>>>>> Test failed: a statement failed\.\n\nStatement: CREATE STREAM bad/);
  assert.match(outcome.report, /\nError: Unknown format: XML/);
  assert.deepEqual(readdirSync(parent), []);
});

test('statements that do not parse are reported before anything runs', async () => {
  const outcome = await runTestCase(testCase('CREATE STREM x;', [], [{ topic: 'x', value: 1 }]), {
    tempParent: parent,
  });
  assert.match(outcome.report, /^\t>>>>> Test failed: the statements could not be parsed: /);
});

test('a source declared with several partitions still gives every output record, merged by time', async () => {
  const outcome = await runTestCase(
    testCase(
      `CREATE STREAM m (id STRING KEY, n INT) WITH (KAFKA_TOPIC='m', VALUE_FORMAT='JSON', PARTITIONS=3);
       CREATE STREAM m2 AS SELECT id, n FROM m;`,
      ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ topic: 'm', key: id, value: { N: i }, timestamp: i })),
      ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ topic: 'M2', key: id, value: { N: i }, timestamp: i })),
    ),
    { tempParent: parent },
  );
  assert.equal(outcome.report, PASSED_REPORT);
});
