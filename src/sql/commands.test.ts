import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifiedStatement, verifiedStatementPrintsAs } from './round-trip.test-helper.js';

describe('SHOW and LIST', () => {
  test('round-trips every SHOW statement', () => {
    for (const sql of [
      'SHOW STREAMS',
      'SHOW STREAMS EXTENDED',
      'SHOW TABLES',
      'SHOW TABLES EXTENDED',
      'SHOW TOPICS',
      'SHOW ALL TOPICS EXTENDED',
      'SHOW QUERIES',
      'SHOW QUERIES EXTENDED',
      'SHOW PROPERTIES',
      'SHOW FUNCTIONS',
      'SHOW VARIABLES',
      'SHOW TYPES',
    ]) {
      verifiedStatement(sql);
    }
  });

  test('reads LIST as SHOW', () => {
    assert.deepEqual(verifiedStatementPrintsAs('list topics extended', 'SHOW TOPICS EXTENDED'), {
      kind: 'listTopics',
      all: false,
      extended: true,
    });
  });
});

describe('DESCRIBE and EXPLAIN', () => {
  test('round-trips DESCRIBE of a source, plain and extended', () => {
    assert.deepEqual(verifiedStatement('DESCRIBE PAGEVIEWS EXTENDED'), {
      kind: 'describeSource',
      name: 'PAGEVIEWS',
      extended: true,
    });
    verifiedStatement('DESCRIBE PAGEVIEWS');
  });

  test('reads the older DESCRIBE EXTENDED name form', () => {
    verifiedStatementPrintsAs('DESCRIBE EXTENDED pageviews', 'DESCRIBE PAGEVIEWS EXTENDED');
  });

  test('round-trips DESCRIBE STREAMS, DESCRIBE TABLES and DESCRIBE FUNCTION', () => {
    verifiedStatement('DESCRIBE STREAMS');
    verifiedStatement('DESCRIBE TABLES EXTENDED');
    assert.deepEqual(verifiedStatementPrintsAs('describe function concat', 'DESCRIBE FUNCTION CONCAT'), {
      kind: 'describeFunction',
      name: 'CONCAT',
    });
  });

  test('tells EXPLAIN of a query id from EXPLAIN of a statement', () => {
    assert.deepEqual(verifiedStatement('EXPLAIN CSAS_ENRICHED_3'), {
      kind: 'explainQuery',
      queryId: 'CSAS_ENRICHED_3',
    });
    const explained = verifiedStatement('EXPLAIN SELECT * FROM S EMIT CHANGES');
    assert.equal(explained.kind === 'explainStatement' && explained.statement.kind, 'select');
    verifiedStatement('EXPLAIN CREATE STREAM T AS SELECT * FROM S EMIT CHANGES');
  });
});

describe('query control', () => {
  test('round-trips TERMINATE, PAUSE and RESUME of one query or all', () => {
    assert.deepEqual(verifiedStatement('TERMINATE CTAS_COUNTS_1'), {
      kind: 'terminate',
      target: { kind: 'queryId', id: 'CTAS_COUNTS_1' },
    });
    assert.deepEqual(verifiedStatement('TERMINATE ALL'), {
      kind: 'terminate',
      target: { kind: 'allQueries' },
    });
    verifiedStatement('PAUSE CTAS_COUNTS_1');
    verifiedStatement('RESUME ALL');
  });
});

describe('PRINT', () => {
  test('round-trips PRINT with every option', () => {
    assert.deepEqual(verifiedStatement("PRINT 'pageviews' FROM BEGINNING INTERVAL 5 LIMIT 10"), {
      kind: 'print',
      topic: 'pageviews',
      fromBeginning: true,
      interval: 5,
      limit: 10,
    });
    verifiedStatement("PRINT 'pageviews'");
  });

  test('keeps the case of a bare topic name and reads SAMPLE as INTERVAL', () => {
    verifiedStatementPrintsAs('PRINT pageViews SAMPLE 2', "PRINT 'pageViews' INTERVAL 2");
  });
});

describe('properties, variables and scripts', () => {
  test('round-trips SET, UNSET and ALTER SYSTEM', () => {
    assert.deepEqual(verifiedStatement("SET 'auto.offset.reset'='earliest'"), {
      kind: 'setProperty',
      name: 'auto.offset.reset',
      value: 'earliest',
    });
    verifiedStatement("UNSET 'auto.offset.reset'");
    verifiedStatement("ALTER SYSTEM 'ksql.streams.num.stream.threads'='4'");
  });

  test('round-trips DEFINE and UNDEFINE, keeping the case of variable names', () => {
    assert.deepEqual(verifiedStatement("DEFINE topicName = '''my_topic'''"), {
      kind: 'defineVariable',
      name: 'topicName',
      value: "'my_topic'",
    });
    verifiedStatement('UNDEFINE topicName');
    verifiedStatement("DEFINE size = '3'");
  });

  test('round-trips RUN SCRIPT', () => {
    assert.deepEqual(verifiedStatement("RUN SCRIPT '/tmp/setup.sql'"), {
      kind: 'runScript',
      path: '/tmp/setup.sql',
    });
  });
});
