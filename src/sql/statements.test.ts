import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifiedStatement, verifiedStatementPrintsAs } from './round-trip.test-helper.js';

describe('CREATE STREAM and CREATE TABLE', () => {
  test('round-trips a stream with a key column and WITH properties', () => {
    const statement = verifiedStatement(
      "CREATE STREAM PAGEVIEWS (USERID STRING KEY, VIEWTIME BIGINT, PAGEID STRING) WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON')",
    );
    assert.deepEqual(statement, {
      kind: 'createSource',
      sourceType: 'STREAM',
      orReplace: false,
      readOnly: false,
      ifNotExists: false,
      name: 'PAGEVIEWS',
      elements: [
        { name: 'USERID', type: { kind: 'primitiveType', name: 'STRING' }, constraint: { kind: 'key' } },
        { name: 'VIEWTIME', type: { kind: 'primitiveType', name: 'BIGINT' } },
        { name: 'PAGEID', type: { kind: 'primitiveType', name: 'STRING' } },
      ],
      properties: [
        { key: 'KAFKA_TOPIC', value: { kind: 'string', value: 'pageviews' } },
        { key: 'VALUE_FORMAT', value: { kind: 'string', value: 'JSON' } },
      ],
    });
  });

  test('upper-cases unquoted names and property keys as ksqlDB does', () => {
    verifiedStatementPrintsAs(
      "create stream pageviews (userId varchar key, n int) with (kafka_topic='pv', partitions=1)",
      "CREATE STREAM PAGEVIEWS (USERID STRING KEY, N INTEGER) WITH (KAFKA_TOPIC='pv', PARTITIONS=1)",
    );
  });

  test('keeps the case of quoted names and prints them backquoted', () => {
    verifiedStatementPrintsAs(
      'CREATE STREAM "PageViews" (`userId` STRING KEY) WITH (KAFKA_TOPIC=\'pv\')',
      "CREATE STREAM `PageViews` (`userId` STRING KEY) WITH (KAFKA_TOPIC='pv')",
    );
  });

  test('round-trips OR REPLACE, SOURCE and IF NOT EXISTS on a table with a primary key', () => {
    const statement = verifiedStatement(
      "CREATE OR REPLACE SOURCE TABLE IF NOT EXISTS USERS (ID STRING PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='users', FORMAT='AVRO')",
    );
    assert.equal(statement.kind === 'createSource' && statement.readOnly, true);
  });

  test('round-trips a source without columns, whose schema comes from the registry', () => {
    verifiedStatement("CREATE STREAM S WITH (KAFKA_TOPIC='s', VALUE_FORMAT='AVRO')");
  });

  test('round-trips header columns', () => {
    verifiedStatement(
      "CREATE STREAM S (K STRING KEY, H ARRAY<STRUCT<`KEY` STRING, VALUE BYTES>> HEADERS, V BYTES HEADER('version')) WITH (KAFKA_TOPIC='s')",
    );
  });

  test('round-trips every column type, including nested ones that end in >>', () => {
    const statement = verifiedStatement(
      'CREATE STREAM T (A BOOLEAN, B INTEGER, C BIGINT, D DOUBLE, E DECIMAL(10, 2), F STRING, G BYTES, ' +
        'H `DATE`, I `TIME`, J `TIMESTAMP`, K ARRAY<MAP<STRING, ARRAY<INTEGER>>>, ' +
        "L STRUCT<X INTEGER, Y STRUCT<Z STRING>>, M ADDRESS, N STRUCT<>) WITH (KAFKA_TOPIC='t')",
    );
    assert.ok(statement.kind === 'createSource');
    assert.deepEqual(statement.elements[10].type, {
      kind: 'arrayType',
      element: {
        kind: 'mapType',
        key: { kind: 'primitiveType', name: 'STRING' },
        value: { kind: 'arrayType', element: { kind: 'primitiveType', name: 'INTEGER' } },
      },
    });
    assert.deepEqual(statement.elements[12].type, { kind: 'customType', name: 'ADDRESS' });
  });

  test('accepts non-reserved keywords such as KEY and SIZE as column names', () => {
    verifiedStatementPrintsAs(
      "CREATE TABLE T (key STRING PRIMARY KEY, size INT) WITH (KAFKA_TOPIC='t')",
      "CREATE TABLE T (`KEY` STRING PRIMARY KEY, `SIZE` INTEGER) WITH (KAFKA_TOPIC='t')",
    );
  });

  test('round-trips property values of every literal kind', () => {
    verifiedStatement(
      "CREATE STREAM S (A INTEGER) WITH (KAFKA_TOPIC='s', PARTITIONS=3, REPLICAS=-1, WRAP_SINGLE_VALUE=FALSE, X=NULL, 'value.schema.id'=5)",
    );
  });
});

describe('CREATE … AS SELECT and INSERT', () => {
  test('round-trips a stream created from a query with a WITH clause', () => {
    const statement = verifiedStatement(
      "CREATE STREAM ENRICHED WITH (KAFKA_TOPIC='enriched') AS SELECT * FROM PAGEVIEWS WHERE PAGEID <> 'home' EMIT CHANGES",
    );
    assert.equal(statement.kind, 'createAsSelect');
  });

  test('round-trips a table created by an aggregation with OR REPLACE and IF NOT EXISTS', () => {
    verifiedStatement(
      'CREATE OR REPLACE TABLE IF NOT EXISTS COUNTS AS SELECT USERID, COUNT(*) AS N FROM PAGEVIEWS GROUP BY USERID EMIT CHANGES',
    );
  });

  test('round-trips INSERT INTO … SELECT with and without WITH', () => {
    verifiedStatement('INSERT INTO ALL_VIEWS SELECT * FROM MOBILE_VIEWS EMIT CHANGES');
    verifiedStatement("INSERT INTO ALL_VIEWS WITH (QUERY_ID='q1') SELECT * FROM MOBILE_VIEWS EMIT CHANGES");
  });

  test('round-trips INSERT … VALUES with and without a column list', () => {
    const statement = verifiedStatement("INSERT INTO USERS (ID, NAME, AGE) VALUES ('u1', 'Ann', 30)");
    assert.deepEqual(statement, {
      kind: 'insertValues',
      target: 'USERS',
      columns: ['ID', 'NAME', 'AGE'],
      values: [
        { kind: 'string', value: 'u1' },
        { kind: 'string', value: 'Ann' },
        { kind: 'number', text: '30' },
      ],
    });
    verifiedStatement("INSERT INTO USERS VALUES ('u2', ARRAY[1, 2], MAP('a' := 1), STRUCT(X := 1.5))");
  });
});

describe('SELECT', () => {
  test('round-trips a push query with every clause', () => {
    verifiedStatement(
      'SELECT REGIONID, COUNT(*) AS N FROM PAGEVIEWS WINDOW TUMBLING (SIZE 1 HOUR, RETENTION 7 DAYS, GRACE PERIOD 10 MINUTES) ' +
        'WHERE VIEWTIME > 0 GROUP BY REGIONID HAVING COUNT(*) > 1 EMIT CHANGES LIMIT 10',
    );
  });

  test('round-trips a pull query, which has no EMIT', () => {
    const statement = verifiedStatement("SELECT * FROM USERS WHERE ID = 'u1'");
    assert.ok(statement.kind === 'select');
    assert.equal(statement.query.emit, undefined);
  });

  test('round-trips EMIT FINAL and PARTITION BY', () => {
    verifiedStatement('SELECT * FROM S PARTITION BY K EMIT CHANGES');
    verifiedStatement('SELECT K, COUNT(*) FROM S WINDOW SESSION (30 SECONDS) GROUP BY K EMIT FINAL');
  });

  test('accepts PARTITION BY before GROUP BY and prints it after', () => {
    verifiedStatementPrintsAs(
      'SELECT * FROM S PARTITION BY A GROUP BY B',
      'SELECT * FROM S GROUP BY B PARTITION BY A',
    );
  });

  test('round-trips hopping windows and singular time units', () => {
    verifiedStatement(
      'SELECT K, COUNT(*) FROM S WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS, GRACE PERIOD 1 MINUTE) GROUP BY K EMIT CHANGES',
    );
    verifiedStatement('SELECT * FROM S WINDOW SESSION (5 MINUTES, RETENTION 1 DAY) GROUP BY K EMIT CHANGES');
  });

  test('round-trips qualified columns, source.* and aliases, reading bare aliases and OUTER', () => {
    verifiedStatementPrintsAs(
      'SELECT p.*, u.name uname FROM pageviews p LEFT OUTER JOIN users AS u ON p.userid = u.id EMIT CHANGES',
      'SELECT P.*, U.NAME AS UNAME FROM PAGEVIEWS AS P LEFT JOIN USERS AS U ON P.USERID = U.ID EMIT CHANGES',
    );
  });

  test('round-trips stream-stream joins with WITHIN and GRACE PERIOD', () => {
    const statement = verifiedStatement(
      'SELECT * FROM A JOIN B WITHIN 1 HOUR ON A.ID = B.ID FULL JOIN C WITHIN (1 HOUR, 2 HOURS) GRACE PERIOD 5 MINUTES ON A.ID = C.ID EMIT CHANGES',
    );
    assert.ok(statement.kind === 'select' && statement.query.from.kind === 'join');
    assert.deepEqual(statement.query.from.within, {
      before: { value: 1, unit: 'HOUR' },
      after: { value: 2, unit: 'HOURS' },
      grace: { value: 5, unit: 'MINUTES' },
    });
    verifiedStatementPrintsAs(
      'SELECT * FROM A INNER JOIN B ON A.X = B.X',
      'SELECT * FROM A JOIN B ON A.X = B.X',
    );
    verifiedStatement('SELECT * FROM A RIGHT JOIN B ON A.X = B.X');
  });

  test('does not mistake a clause keyword after a source for an alias', () => {
    const statement = verifiedStatement('SELECT * FROM S EMIT CHANGES');
    assert.ok(statement.kind === 'select' && statement.query.from.kind === 'source');
    assert.equal(statement.query.from.alias, undefined);
  });

  test('round-trips table functions and lambdas in the select list', () => {
    verifiedStatement('SELECT EXPLODE(TRANSFORM(XS, X => X * 2)) AS Y FROM S EMIT CHANGES');
  });

  test('allows a trailing semicolon', () => {
    verifiedStatementPrintsAs('SELECT * FROM S;', 'SELECT * FROM S');
  });
});

describe('DROP and ALTER', () => {
  test('round-trips DROP STREAM and DROP TABLE with IF EXISTS and DELETE TOPIC', () => {
    const statement = verifiedStatement('DROP STREAM IF EXISTS PAGEVIEWS DELETE TOPIC');
    assert.deepEqual(statement, {
      kind: 'dropSource',
      sourceType: 'STREAM',
      ifExists: true,
      name: 'PAGEVIEWS',
      deleteTopic: true,
    });
    verifiedStatement('DROP TABLE USERS');
  });

  test('round-trips ALTER … ADD COLUMN and reads ADD without COLUMN', () => {
    verifiedStatement('ALTER STREAM S ADD COLUMN C INTEGER, ADD COLUMN D ARRAY<STRING>');
    verifiedStatementPrintsAs('ALTER TABLE T ADD c INT', 'ALTER TABLE T ADD COLUMN C INTEGER');
  });

  test('round-trips CREATE TYPE and DROP TYPE', () => {
    verifiedStatement('CREATE TYPE IF NOT EXISTS ADDRESS AS STRUCT<NUMBER INTEGER, STREET STRING>');
    verifiedStatement('DROP TYPE IF EXISTS ADDRESS');
  });
});
