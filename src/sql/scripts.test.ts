import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseStatement, parseStatements, splitStatements } from './parser.js';
import { printStatement } from './printer.js';

describe('scripts of several statements', () => {
  test('split on semicolons outside strings and comments, keeping each statement text and start', () => {
    const script = "-- setup\nSET 'a'='x;y';\n\n/* ; */ SHOW STREAMS ;SHOW TABLES";
    assert.deepEqual(splitStatements(script), [
      { text: "SET 'a'='x;y'", line: 2, column: 1 },
      { text: 'SHOW STREAMS', line: 4, column: 9 },
      { text: 'SHOW TABLES', line: 4, column: 23 },
    ]);
  });

  test('skip empty statements', () => {
    assert.deepEqual(
      splitStatements(';; SHOW TOPICS;;').map((piece) => piece.text),
      ['SHOW TOPICS'],
    );
  });

  test('parse each statement of a script in order', () => {
    const parsed = parseStatements(
      "CREATE STREAM S (ID INT KEY) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');\nINSERT INTO S (ID) VALUES (1);\nSELECT * FROM S EMIT CHANGES;",
    );
    assert.deepEqual(
      parsed.map((entry) => [entry.statement.kind, entry.line]),
      [
        ['createSource', 1],
        ['insertValues', 2],
        ['select', 3],
      ],
    );
    assert.equal(parsed[1].text, 'INSERT INTO S (ID) VALUES (1)');
  });

  test('return nothing for a script of only comments', () => {
    assert.deepEqual(parseStatements('-- nothing here\n/* nor here */'), []);
  });

  test('print examples in the style of the ksqlDB docs in a form that parses back to the same tree', () => {
    const script = `
CREATE STREAM riderLocations (profileId VARCHAR, latitude DOUBLE, longitude DOUBLE)
  WITH (kafka_topic='locations', value_format='json', partitions=1);
CREATE TABLE currentLocation AS
  SELECT profileId, LATEST_BY_OFFSET(latitude) AS la, LATEST_BY_OFFSET(longitude) AS lo
  FROM riderlocations
  GROUP BY profileId
  EMIT CHANGES;
SELECT * FROM riderLocations
  WHERE GEO_DISTANCE(latitude, longitude, 37.4133, -122.1162) <= 5 EMIT CHANGES;
CREATE STREAM shipped_orders AS
  SELECT o.id as order_id, (s.rowtime - o.rowtime) / 1000 / 60 as ship_time
  FROM orders o INNER JOIN shipments s WITHIN 7 DAYS ON o.id = s.order_id;
CREATE SOURCE CONNECTOR \`jdbc-connector\` WITH(
  "connector.class"='io.confluent.connect.jdbc.JdbcSourceConnector',
  "connection.url"='jdbc:postgresql://postgres:5432/postgres',
  "key"='username');
CREATE STREAM x (id BIGINT KEY, v STRING)
  WITH (kafka_topic='x', format='json', timestamp='ts');
SELECT TRANSFORM(m, (k, v) => UCASE(k), (k, v) => v + 5) FROM s EMIT CHANGES;
`;
    const printed = parseStatements(script).map((entry) => printStatement(entry.statement));
    for (const text of printed) assert.equal(printStatement(parseStatement(text)), text);
    assert.equal(
      printed[3],
      'CREATE STREAM SHIPPED_ORDERS AS SELECT O.ID AS ORDER_ID, (S.ROWTIME - O.ROWTIME) / 1000 / 60 AS SHIP_TIME ' +
        'FROM ORDERS AS O JOIN SHIPMENTS AS S WITHIN 7 DAYS ON O.ID = S.ORDER_ID',
    );
    assert.equal(
      printed[5],
      "CREATE STREAM X (ID BIGINT KEY, V STRING) WITH (KAFKA_TOPIC='x', FORMAT='json', TIMESTAMP='ts')",
    );
  });
});
