// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is SQL variable syntax in these strings, not a template.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseStatement } from './parser.js';
import { printStatement } from './printer.js';
import { parseFailure, verifiedStatement, verifiedStatementPrintsAs } from './round-trip.test-helper.js';

describe('connector statements', () => {
  test("parses the seed's Voluble source connector with its comments and blank lines", () => {
    const seed = `CREATE SOURCE CONNECTOR s WITH (
  'connector.class' = 'io.mdrogalis.voluble.VolubleSourceConnector',

  'genkp.people.with' = '#{Internet.uuid}',
  'genv.people.name.with' = '#{Name.full_name}',
  'genv.people.creditCardNumber.with' = '#{Finance.credit_card}',

  'global.throttle.ms' = '500'
);
`;
    const statement = parseStatement(seed);
    assert.deepEqual(statement, {
      kind: 'createConnector',
      connectorType: 'SOURCE',
      ifNotExists: false,
      name: 'S',
      properties: [
        {
          key: 'connector.class',
          value: { kind: 'string', value: 'io.mdrogalis.voluble.VolubleSourceConnector' },
        },
        { key: 'genkp.people.with', value: { kind: 'string', value: '#{Internet.uuid}' } },
        { key: 'genv.people.name.with', value: { kind: 'string', value: '#{Name.full_name}' } },
        {
          key: 'genv.people.creditCardNumber.with',
          value: { kind: 'string', value: '#{Finance.credit_card}' },
        },
        { key: 'global.throttle.ms', value: { kind: 'string', value: '500' } },
      ],
    });
    assert.equal(
      printStatement(statement),
      "CREATE SOURCE CONNECTOR S WITH ('connector.class'='io.mdrogalis.voluble.VolubleSourceConnector', " +
        "'genkp.people.with'='#{Internet.uuid}', 'genv.people.name.with'='#{Name.full_name}', " +
        "'genv.people.creditCardNumber.with'='#{Finance.credit_card}', 'global.throttle.ms'='500')",
    );
  });

  test('round-trips CREATE SINK CONNECTOR IF NOT EXISTS with a quoted, hyphenated name', () => {
    const statement = verifiedStatement(
      "CREATE SINK CONNECTOR IF NOT EXISTS `jdbc-sink` WITH ('connector.class'='io.confluent.connect.jdbc.JdbcSinkConnector', 'tasks.max'=1)",
    );
    assert.equal(statement.kind === 'createConnector' && statement.name, 'jdbc-sink');
  });

  test('upper-cases a bare property key and keeps a quoted one, as ksqlDB sends them to Connect', () => {
    const statement = verifiedStatementPrintsAs(
      `CREATE SOURCE CONNECTOR "MyConn" WITH (mode='bulk', "Topic.Prefix"='x_', 'connector.class'='C')`,
      "CREATE SOURCE CONNECTOR `MyConn` WITH (MODE='bulk', 'Topic.Prefix'='x_', 'connector.class'='C')",
    );
    assert.ok(statement.kind === 'createConnector');
    assert.deepEqual(
      statement.properties.map((property) => property.key),
      ['MODE', 'Topic.Prefix', 'connector.class'],
    );
  });

  test('round-trips DROP CONNECTOR with and without IF EXISTS', () => {
    assert.deepEqual(verifiedStatement('DROP CONNECTOR IF EXISTS S'), {
      kind: 'dropConnector',
      ifExists: true,
      name: 'S',
    });
    verifiedStatement('DROP CONNECTOR `my-conn`');
  });

  test('round-trips DESCRIBE CONNECTOR', () => {
    assert.deepEqual(verifiedStatement('DESCRIBE CONNECTOR S'), { kind: 'describeConnector', name: 'S' });
  });

  test('round-trips SHOW CONNECTORS of every scope, and reads LIST the same', () => {
    assert.deepEqual(verifiedStatement('SHOW CONNECTORS'), { kind: 'listConnectors', scope: 'ALL' });
    assert.deepEqual(verifiedStatement('SHOW SOURCE CONNECTORS'), {
      kind: 'listConnectors',
      scope: 'SOURCE',
    });
    verifiedStatementPrintsAs('list sink connectors', 'SHOW SINK CONNECTORS');
  });

  test('round-trips SHOW CONNECTOR PLUGINS', () => {
    assert.deepEqual(verifiedStatementPrintsAs('LIST CONNECTOR PLUGINS', 'SHOW CONNECTOR PLUGINS'), {
      kind: 'listConnectorPlugins',
    });
  });

  test("round-trips Sluice's PAUSE, RESUME, RESTART and ALTER CONNECTOR", () => {
    assert.deepEqual(verifiedStatement('PAUSE CONNECTOR S'), { kind: 'pauseConnector', name: 'S' });
    assert.deepEqual(verifiedStatement('RESUME CONNECTOR S'), { kind: 'resumeConnector', name: 'S' });
    assert.deepEqual(verifiedStatement('RESTART CONNECTOR S'), { kind: 'restartConnector', name: 'S' });
    assert.deepEqual(verifiedStatement("ALTER CONNECTOR S SET ('global.throttle.ms'='100')"), {
      kind: 'alterConnector',
      name: 'S',
      properties: [{ key: 'global.throttle.ms', value: { kind: 'string', value: '100' } }],
    });
  });

  test("round-trips Sluice's STOP CONNECTOR and SHOW CONNECTOR OFFSETS", () => {
    assert.deepEqual(verifiedStatement('STOP CONNECTOR S'), { kind: 'stopConnector', name: 'S' });
    assert.deepEqual(verifiedStatement('STOP CONNECTOR `my-conn`'), {
      kind: 'stopConnector',
      name: 'my-conn',
    });
    assert.deepEqual(verifiedStatementPrintsAs('list connector offsets s;', 'SHOW CONNECTOR OFFSETS S'), {
      kind: 'listConnectorOffsets',
      name: 'S',
    });
  });

  test("round-trips Sluice's SHOW CONNECTOR STATUS, of every connector or one", () => {
    assert.deepEqual(verifiedStatement('SHOW CONNECTOR STATUS'), { kind: 'listConnectorStatus' });
    assert.deepEqual(
      verifiedStatementPrintsAs('list connector status `my-conn`;', 'SHOW CONNECTOR STATUS `my-conn`'),
      {
        kind: 'listConnectorStatus',
        name: 'my-conn',
      },
    );
  });

  test('round-trips ALTER CONNECTOR RESET OFFSETS and SET OFFSETS with JSON, number and NULL offsets', () => {
    assert.deepEqual(verifiedStatement('ALTER CONNECTOR S RESET OFFSETS'), {
      kind: 'resetConnectorOffsets',
      name: 'S',
    });
    assert.deepEqual(
      verifiedStatement(
        `ALTER CONNECTOR S SET OFFSETS ('{"filename":"in.txt"}'='{"position":30}', '{"kafka_topic":"t","kafka_partition":0}'=5, '{"filename":"b.txt"}'=NULL)`,
      ),
      {
        kind: 'setConnectorOffsets',
        name: 'S',
        offsets: [
          { partition: '{"filename":"in.txt"}', offset: { kind: 'string', value: '{"position":30}' } },
          { partition: '{"kafka_topic":"t","kafka_partition":0}', offset: { kind: 'number', text: '5' } },
          { partition: '{"filename":"b.txt"}', offset: { kind: 'null' } },
        ],
      },
    );
    // A connector whose config has a key named OFFSETS is still altered the ordinary way.
    assert.equal(verifiedStatement("ALTER CONNECTOR S SET (OFFSETS='x')").kind, 'alterConnector');
  });

  test('SET OFFSETS wants a partition in quotes, and ALTER CONNECTOR names what may follow the name', () => {
    assert.match(
      parseFailure('ALTER CONNECTOR S SET OFFSETS (filename=1)').message,
      /a partition as a JSON object in quotes/,
    );
    assert.match(parseFailure('ALTER CONNECTOR S OFFSETS').message, /one of SET, RESET OFFSETS/);
  });

  test("round-trips Sluice's CREATE STREAM … FROM DEAD LETTER QUEUE OF CONNECTOR", () => {
    assert.deepEqual(
      verifiedStatement('CREATE STREAM IF NOT EXISTS BAD FROM DEAD LETTER QUEUE OF CONNECTOR `my-sink`'),
      {
        kind: 'createDeadLetterStream',
        ifNotExists: true,
        name: 'BAD',
        connector: 'my-sink',
      },
    );
    verifiedStatementPrintsAs(
      'create stream bad from dead letter queue of connector snk;',
      'CREATE STREAM BAD FROM DEAD LETTER QUEUE OF CONNECTOR SNK',
    );
    assert.match(parseFailure('CREATE STREAM BAD FROM DEAD LETTER OF CONNECTOR S').message, /QUEUE/);
  });

  test('keeps an undefined variable in a connector config value', () => {
    verifiedStatement("CREATE SOURCE CONNECTOR S WITH ('connector.class'='C', 'tasks.max'=${tasks})");
  });
});
