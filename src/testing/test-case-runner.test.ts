import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PASSED_REPORT, runTestCase, type TestCase } from './test-case-runner.js';
import { parsePullsFile, parseRecordsFile } from './test-files.js';

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

const PER_ITEM = `
  CREATE STREAM orders (id STRING KEY, item STRING, qty INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON');
  CREATE TABLE per_item AS SELECT item, COUNT(*) AS n, SUM(qty) AS total FROM orders GROUP BY item;`;

const ORDERS = [
  { topic: 'orders', key: 'o1', value: { ITEM: 'pear', QTY: 3 } },
  { topic: 'orders', key: 'o2', value: { ITEM: 'fig', QTY: 5 } },
  { topic: 'orders', key: 'o3', value: { ITEM: 'pear', QTY: 4 } },
];

/** A test case whose output file has `pulls` and no expected records. */
function pullCase(pulls: object[]): TestCase {
  const output = JSON.stringify({ outputs: [], pulls });
  return {
    statements: PER_ITEM,
    inputs: parseRecordsFile(JSON.stringify({ inputs: ORDERS }), 'input.json', 'inputs'),
    outputs: parseRecordsFile(output, 'output.json', 'outputs'),
    pulls: parsePullsFile(output, 'output.json'),
  };
}

test('pull queries in the output file run after the inputs and pass when their rows match, in order', async () => {
  const outcome = await runTestCase(
    pullCase([
      { sql: "SELECT * FROM per_item WHERE item = 'pear';", rows: [['pear', 2, 7]] },
      {
        sql: "SELECT item, n FROM per_item WHERE item IN ('fig', 'kiwi', 'pear');",
        rows: [
          ['fig', 1],
          ['pear', 2],
        ],
      },
      { sql: "SELECT id FROM orders WHERE item = 'fig';", rows: [['o2']] },
    ]),
    { tempParent: parent },
  );
  assert.deepEqual(outcome, { passed: true, report: PASSED_REPORT });
});

test('a pull query answering other rows, or refused, fails the test naming it, the column and both row lists', async () => {
  const outcome = await runTestCase(
    pullCase([
      { sql: "SELECT * FROM per_item WHERE item = 'pear';", rows: [['pear', 2, 8]] },
      { sql: 'SELECT * FROM nowhere;', rows: [] },
    ]),
    { tempParent: parent },
  );
  assert.equal(outcome.passed, false);
  assert.equal(
    outcome.report,
    [
      '\t>>>>> Test failed: the output does not match the output file (2 problems).',
      [
        "pulls[0] (SELECT * FROM per_item WHERE item = 'pear';) answered differently: rows[0][2] (TOTAL): expected 8 but was 7.",
        'Expected rows: ["pear", 2, 8]',
        'Actual rows:   ["pear", 2, 7]',
      ].join('\n'),
      'pulls[1] (SELECT * FROM nowhere;) failed: NOWHERE does not exist. Check the name with SHOW STREAMS; or SHOW TABLES;.',
    ].join('\n\n'),
  );
});

test('an output file with pulls may list no records; a pull without sql or with rows not arrays is refused', () => {
  assert.deepEqual(
    parseRecordsFile('{"outputs": [], "pulls": [{"sql": "SELECT 1;", "rows": []}]}', 'o.json', 'outputs'),
    [],
  );
  assert.throws(() => parseRecordsFile('{"outputs": []}', 'o.json', 'outputs'), /"outputs" is empty/);
  assert.throws(
    () => parsePullsFile('{"pulls": [{"rows": []}]}', 'o.json'),
    /o\.json: pulls\[0\]\.sql is missing/,
  );
  assert.throws(
    () => parsePullsFile('{"pulls": [{"sql": "SELECT 1;", "rows": [1]}]}', 'o.json'),
    /pulls\[0\]\.rows must be an array of rows/,
  );
  assert.throws(
    () => parsePullsFile('{"pulls": [{"sql": "SELECT 1;", "rows": [], "row": []}]}', 'o.json'),
    /unknown field\(s\) "row"/,
  );
});
