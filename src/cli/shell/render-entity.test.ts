import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jacksonPretty } from './jackson-json.js';
import type { KsqlEntity, ServerEntity, SourceDescription } from './ksql-entity.js';
import { renderEntity, renderEntityList } from './render-entity.js';
import { renderTextTable } from './text-table.js';

const string = { type: 'STRING', fields: null, memberSchema: null };
const integer = { type: 'INTEGER', fields: null, memberSchema: null };

function source(extended: boolean): SourceDescription {
  return {
    name: 'ORDERS',
    windowType: null,
    readQueries: [
      {
        queryString: 'CREATE STREAM big AS\nSELECT * FROM orders;',
        sinks: ['BIG'],
        sinkKafkaTopics: ['BIG'],
        id: 'CSAS_BIG_1',
        statusCount: { RUNNING: 1 },
        queryType: 'PERSISTENT',
        state: 'RUNNING',
      },
    ],
    writeQueries: [],
    fields: [
      { name: 'ID', schema: integer, type: 'KEY' },
      { name: 'ITEM', schema: string },
    ],
    type: 'STREAM',
    timestamp: '',
    statistics: '',
    errorStats: '',
    extended,
    keyFormat: 'KAFKA',
    valueFormat: 'JSON',
    topic: 'orders',
    partitions: 2,
    replication: 1,
    statement: 'CREATE STREAM orders (id INT KEY, item STRING) WITH (...);',
    queryOffsetSummaries: [],
    sourceConstraints: [],
    clusterStatistics: [],
    clusterErrorStats: [],
  };
}

/** An entity as a server's JSON holds it (checked by the renderer's switch, not here). */
function entity(type: string, body: Record<string, unknown>, warnings: string[] = []): KsqlEntity {
  const json = {
    '@type': type,
    statementText: 'X;',
    ...body,
    warnings: warnings.map((message) => ({ message })),
  };
  return json as unknown as KsqlEntity;
}

test('a table pads every column to its widest cell between dashed lines', () => {
  assert.equal(
    renderTextTable({ headers: ['A', 'Long header'], rows: [['value', 'x']], linesAfter: ['footer'] }),
    ' A     | Long header \n---------------------\n value | x           \n---------------------\nfooter\n',
  );
});

test('a terminal narrower than the table only shortens the dashed lines', () => {
  assert.equal(
    renderTextTable({ headers: ['Message'], rows: [['Stream created']] }, 5),
    [' Message        ', '-----', ' Stream created ', '-----', ''].join('\n'),
  );
});

test('currentStatus shows the first line of its message under a Message header', () => {
  const status = entity('currentStatus', {
    commandId: 'stream/`S`/create',
    commandStatus: { status: 'SUCCESS', message: 'Stream created\nmore detail' },
    commandSequenceNumber: 0,
  });
  assert.equal(
    renderEntity(status),
    ' Message        \n----------------\n Stream created \n----------------\n',
  );
});

test('warnings follow the entity as WARNING lines and warning_entity is a Message table', () => {
  const warned = entity('warning_entity', { message: 'Connector X already exists' }, ['careful']);
  assert.equal(
    renderEntity(warned),
    ' Message                    \n----------------------------\n Connector X already exists \n----------------------------\nWARNING: careful\n',
  );
});

test('SHOW STREAMS lists streams sorted by name with their formats', () => {
  const streams = entity('streams', {
    streams: [
      { type: 'STREAM', name: 'ZED', topic: 'z', keyFormat: 'KAFKA', valueFormat: 'JSON', isWindowed: false },
      {
        type: 'STREAM',
        name: 'ALPHA',
        topic: 'alpha_topic',
        keyFormat: 'KAFKA',
        valueFormat: 'AVRO',
        isWindowed: true,
      },
    ],
  });
  assert.equal(
    renderEntity(streams),
    [
      ' Stream Name | Kafka Topic | Key Format | Value Format | Windowed ',
      '------------------------------------------------------------------',
      ' ALPHA       | alpha_topic | KAFKA      | AVRO         | true     ',
      ' ZED         | z           | KAFKA      | JSON         | false    ',
      '------------------------------------------------------------------',
      '',
    ].join('\n'),
  );
});

test('SHOW TABLES with no tables draws the header and two dashed lines', () => {
  assert.equal(
    renderEntity(entity('tables', { tables: [] })),
    ' Table Name | Kafka Topic | Key Format | Value Format | Windowed \n' +
      '-----------------------------------------------------------------\n'.repeat(2),
  );
});

test('SHOW TOPICS and SHOW TOPICS EXTENDED count partitions and replicas', () => {
  assert.equal(
    renderEntity(entity('kafka_topics', { topics: [{ name: 'orders', replicaInfo: [1, 1, 1] }] })),
    [
      ' Kafka Topic | Partitions | Partition Replicas ',
      '-----------------------------------------------',
      ' orders      | 3          | 1                  ',
      '-----------------------------------------------',
      '',
    ].join('\n'),
  );
  assert.equal(
    renderEntity(
      entity('kafka_topics_extended', {
        topics: [{ name: 't', replicaInfo: [1, 2], consumerCount: 4, consumerGroupCount: 2 }],
      }),
    ),
    [
      ' Kafka Topic | Partitions | Partition Replicas | Consumers | ConsumerGroups ',
      '----------------------------------------------------------------------------',
      ' t           | 2          | 1, 2               | 4         | 2              ',
      '----------------------------------------------------------------------------',
      '',
    ].join('\n'),
  );
});

test('SHOW PROPERTIES marks session overrides and server settings, sorted by name', () => {
  const properties = entity('properties', {
    properties: [
      { name: 'ksql.service.id', scope: 'KSQL', value: 'default_' },
      { name: 'auto.offset.reset', scope: 'KSQL', value: 'earliest' },
      { name: 'listeners', scope: 'KSQL', value: 'http://0.0.0.0:8088' },
    ],
    overwrittenProperties: ['auto.offset.reset'],
    defaultProperties: ['ksql.service.id'],
  });
  assert.equal(
    renderEntity(properties),
    [
      ' Property          | Scope | Default override | Effective Value     ',
      '--------------------------------------------------------------------',
      ' auto.offset.reset | KSQL  | SESSION          | earliest            ',
      ' ksql.service.id   | KSQL  |                  | default_            ',
      ' listeners         | KSQL  | SERVER           | http://0.0.0.0:8088 ',
      '--------------------------------------------------------------------',
      '',
    ].join('\n'),
  );
});

test('SHOW QUERIES shows id, type, status counts, sinks and the query on one line', () => {
  const queries = entity('queries', { queries: source(true).readQueries });
  assert.equal(
    renderEntity(queries),
    [
      ' Query ID   | Query Type | Status    | Sink Name | Sink Kafka Topic | Query String                               ',
      '-'.repeat(113),
      ' CSAS_BIG_1 | PERSISTENT | RUNNING:1 | BIG       | BIG              | CREATE STREAM big AS SELECT * FROM orders; ',
      '-'.repeat(113),
      'For detailed information on a Query run: EXPLAIN <Query ID>;',
      '',
    ].join('\n'),
  );
});

test('DESCRIBE shows the name and a Field | Type table with the key marked', () => {
  assert.equal(
    renderEntity(entity('sourceDescription', { sourceDescription: source(false) })),
    [
      'Name                 : ORDERS',
      ' Field | Type                   ',
      '--------------------------------',
      ' ID    | INTEGER          (key) ',
      ' ITEM  | VARCHAR(STRING)        ',
      '--------------------------------',
      'For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;',
      '',
    ].join('\n'),
  );
});

test('DESCRIBE of a table marks the primary key and nested types are spelled out', () => {
  const table: SourceDescription = {
    ...source(false),
    type: 'TABLE',
    fields: [
      { name: 'K', schema: string, type: 'KEY' },
      {
        name: 'S',
        schema: {
          type: 'STRUCT',
          fields: [
            { name: 'A', schema: { type: 'ARRAY', fields: null, memberSchema: integer } },
            {
              name: 'M',
              schema: {
                type: 'MAP',
                fields: null,
                memberSchema: {
                  type: 'DECIMAL',
                  fields: null,
                  memberSchema: null,
                  parameters: { precision: 4, scale: 2 },
                },
              },
            },
          ],
          memberSchema: null,
        },
      },
    ],
  };
  assert.match(
    renderEntity(entity('sourceDescription', { sourceDescription: table })),
    /^ K {5}\| VARCHAR\(STRING\) {2}\(primary key\) +\n S {5}\| STRUCT<A ARRAY<INTEGER>, M MAP<STRING, DECIMAL\(4, 2\)>> \n/m,
  );
});

test('DESCRIBE EXTENDED adds type, formats, topic, statement, queries and statistics', () => {
  assert.equal(
    renderEntity(entity('sourceDescription', { sourceDescription: source(true) })),
    [
      'Name                 : ORDERS',
      'Type                 : STREAM',
      'Timestamp field      : Not set - using <ROWTIME>',
      'Key format           : KAFKA',
      'Value format         : JSON',
      'Kafka topic          : orders (partitions: 2, replication: 1)',
      'Statement            : CREATE STREAM orders (id INT KEY, item STRING) WITH (...);',
      '',
      ' Field | Type                   ',
      '--------------------------------',
      ' ID    | INTEGER          (key) ',
      ' ITEM  | VARCHAR(STRING)        ',
      '--------------------------------',
      '',
      'Queries that read from this STREAM',
      '-----------------------------------',
      'CSAS_BIG_1 (RUNNING) : CREATE STREAM big AS SELECT * FROM orders;',
      '',
      'For query topology and execution plan please run: EXPLAIN <QueryId>',
      '',
      'Local runtime statistics',
      '------------------------',
      '',
      '',
      '(Statistics of the local KSQL server interaction with the Kafka topic orders)',
      '',
    ].join('\n'),
  );
});

test('DESCRIBE STREAMS prints each description followed by a blank line', () => {
  const text = renderEntity(
    entity('source_descriptions', { sourceDescriptions: [source(false), source(false)] }),
  );
  assert.equal(text.split('Name                 : ORDERS').length, 3);
  assert.ok(text.endsWith('EXTENDED;\n\n'));
});

test('SHOW FUNCTIONS groups functions by category with a blank row between groups', () => {
  const functions = entity('function_names', {
    functions: [
      { name: 'UCASE', type: 'SCALAR', category: 'STRING' },
      { name: 'ABS', type: 'SCALAR', category: 'MATHEMATICAL' },
      { name: 'LCASE', type: 'SCALAR', category: 'STRING' },
    ],
  });
  assert.equal(
    renderEntity(functions),
    [
      ' Function Name | Category     ',
      '------------------------------',
      ' ABS           | MATHEMATICAL ',
      '               |              ',
      ' LCASE         | STRING       ',
      ' UCASE         | STRING       ',
      '------------------------------',
      'For detailed information about a function, run: DESCRIBE FUNCTION <Function Name>;',
      '',
    ].join('\n'),
  );
});

test('DESCRIBE FUNCTION lists the overview and every variation with its arguments', () => {
  const fn = entity('describe_function', {
    name: 'concat_ws',
    description: 'Joins strings.',
    author: 'Sluice',
    version: '0.1.0',
    path: 'internal',
    type: 'SCALAR',
    functions: [
      {
        arguments: [
          { name: 'sep', type: 'STRING', description: 'The separator.', isVariadic: false },
          { name: 'parts', type: 'ARRAY<STRING>', description: '', isVariadic: true },
        ],
        returnType: 'STRING',
        description: 'Joins parts with sep.',
      },
    ],
  });
  assert.equal(
    renderEntity(fn),
    [
      'Name        : CONCAT_WS',
      'Author      : Sluice',
      'Version     : 0.1.0',
      'Overview    : Joins strings.',
      'Type        : SCALAR',
      'Jar         : internal',
      'Variations  : ',
      '',
      '\tVariation   : CONCAT_WS(sep STRING, parts ARRAY<STRING>[])',
      '\tReturns     : STRING',
      '\tDescription : Joins parts with sep.',
      '\tsep         : The separator.',
      '',
    ].join('\n'),
  );
});

test('a long function description wraps at the terminal width under its label', () => {
  const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
  const text = renderEntity(
    entity('describe_function', {
      name: 'f',
      description: words,
      author: '',
      version: '',
      path: 'internal',
      type: 'SCALAR',
      functions: [],
    }),
  );
  const overview = text.split('\n').slice(1, 4);
  assert.ok(overview[0].startsWith('Overview    : word0 '));
  assert.ok(overview.every((l) => l.length <= 80));
  assert.ok(overview[1].startsWith(' '.repeat(14)));
});

test('SHOW TYPES and SHOW VARIABLES are sorted two-column tables', () => {
  assert.equal(
    renderEntity(
      entity('type_list', {
        types: {
          PERSON: { type: 'STRUCT', fields: [{ name: 'NAME', schema: string }], memberSchema: null },
          ADDR: { type: 'STRING' },
        },
      }),
    ),
    [
      ' Type Name | Schema                       ',
      '------------------------------------------',
      ' ADDR      | VARCHAR(STRING)              ',
      ' PERSON    | STRUCT<NAME VARCHAR(STRING)> ',
      '------------------------------------------',
      '',
    ].join('\n'),
  );
  assert.equal(
    renderEntity(entity('variables', { variables: [{ name: 'topic', value: 'orders' }] })),
    ' Variable Name | Value  \n------------------------\n topic         | orders \n------------------------\n',
  );
});

test('connector entities render as ksqlDB’s CLI draws them', () => {
  assert.equal(
    renderEntity(
      entity('connector_list', {
        connectors: [{ name: 'jdbc', type: 'source', className: 'C', state: 'RUNNING' }, { name: 'bar' }],
      }),
    ),
    [
      ' Connector Name | Type    | Class | Status  ',
      '-'.repeat(44),
      ' jdbc           | SOURCE  | C     | RUNNING ',
      ' bar            | UNKNOWN |       |         ',
      '-'.repeat(44),
      '',
    ].join('\n'),
  );
  assert.match(
    renderEntity(entity('drop_connector', { connectorName: 'jdbc' })),
    / Dropped connector "jdbc" /,
  );
  assert.match(
    renderEntity(entity('connector_info', { info: { name: 'jdbc' } })),
    / Created connector jdbc /,
  );
});

test('SHOW CONNECTOR STATUS renders a row per connector, then one per task with its counters', () => {
  const out = renderEntity(
    entity('connector_status_list', {
      connectors: [
        {
          name: 'SNK',
          type: 'sink',
          state: 'RUNNING (1/1 tasks RUNNING)',
          tasks: [
            {
              id: 0,
              state: 'RUNNING',
              recordsIn: 3,
              recordsOut: 2,
              lastRecordTime: '2026-12-06T22:00:00.000Z',
              lag: 0,
              errors: 1,
              deadLettered: 1,
            },
          ],
        },
        {
          name: 'CDC',
          type: 'source',
          state: 'RUNNING (1/1 tasks RUNNING)',
          tasks: [
            {
              id: 0,
              state: 'RUNNING',
              recordsIn: 5,
              recordsOut: 5,
              lastRecordTime: null,
              lag: null,
              lagBytes: 1024,
              errors: 0,
              deadLettered: 0,
            },
          ],
        },
        { name: 'SRC', type: 'source', state: 'STOPPED', tasks: [] },
      ],
    }),
    { width: 200 },
  );
  const lines = out.split('\n').map((l) => l.split('|').map((c) => c.trim()));
  assert.deepEqual(lines[0], [
    'Connector',
    'Task',
    'State',
    'Records In',
    'Records Out',
    'Last Record',
    'Lag',
    'Errors',
    'DLQ',
  ]);
  assert.deepEqual(lines.slice(2, 7), [
    ['SNK', '', 'RUNNING (1/1 tasks RUNNING)', '', '', '', '', '', ''],
    ['', '0', 'RUNNING', '3', '2', '2026-12-06T22:00:00.000Z', '0', '1', '1'],
    ['CDC', '', 'RUNNING (1/1 tasks RUNNING)', '', '', '', '', '', ''],
    ['', '0', 'RUNNING', '5', '5', '', '1024 bytes', '0', '0'],
    ['SRC', '', 'STOPPED', '', '', '', '', '', ''],
  ]);
});

test('SHOW CONNECTOR OFFSETS renders each partition and offset as JSON, and says when there are none', () => {
  assert.equal(
    renderEntity(
      entity('connector_offsets', {
        connector: 'SRC',
        offsets: [{ partition: { filename: 'in.txt' }, offset: { position: 6 } }],
      }),
    ),
    [
      ' Partition             | Offset         ',
      '-'.repeat(40),
      ' {"filename":"in.txt"} | {"position":6} ',
      '-'.repeat(40),
      '',
    ].join('\n'),
  );
  assert.match(
    renderEntity(entity('connector_offsets', { connector: 'SRC', offsets: [] })),
    / Connector SRC has no committed offsets /,
  );
});

test('EXPLAIN shows the query, its columns, sources, sinks, execution plan and topology as ksqlDB does', () => {
  const explained = entity('queryDescription', {
    queryDescription: {
      id: 'CSAS_BIG_3',
      statementText: 'CREATE STREAM big AS SELECT * FROM orders;',
      windowType: null,
      fields: [
        { name: 'ID', schema: integer, type: 'KEY' },
        { name: 'ITEM', schema: string },
      ],
      sources: ['ORDERS'],
      sinks: ['BIG'],
      topology: 'Topologies:\n   Sub-topology: 0\n',
      executionPlan: ' > [ SINK ] | Logger: CSAS_BIG_3.BIG\n',
      overriddenProperties: {},
      ksqlHostQueryStatus: {},
      queryType: 'PERSISTENT',
      queryErrors: [],
      tasksMetadata: [],
      state: 'RUNNING',
    },
  });
  assert.equal(
    renderEntity(explained),
    [
      'ID                   : CSAS_BIG_3',
      'Query Type           : PERSISTENT',
      'SQL                  : CREATE STREAM big AS SELECT * FROM orders;',
      '',
      ' Field | Type                   ',
      '--------------------------------',
      ' ID    | INTEGER          (key) ',
      ' ITEM  | VARCHAR(STRING)        ',
      '--------------------------------',
      '',
      'Sources that this query reads from: ',
      '-----------------------------------',
      'ORDERS',
      '',
      'For source description please run: DESCRIBE [EXTENDED] <SourceId>',
      '',
      'Sinks that this query writes to: ',
      '-----------------------------------',
      'BIG',
      '',
      'For sink description please run: DESCRIBE [EXTENDED] <SinkId>',
      '',
      'Execution plan      ',
      '--------------      ',
      ' > [ SINK ] | Logger: CSAS_BIG_3.BIG',
      '',
      '',
      'Processing topology ',
      '------------------- ',
      'Topologies:',
      '   Sub-topology: 0',
      '',
      '',
    ].join('\n'),
  );
});

test('a response with several entities shows each statement before its result', () => {
  const a = { ...entity('warning_entity', { message: 'one' }), statementText: 'DROP STREAM IF EXISTS a;' };
  const b = { ...entity('warning_entity', { message: 'two' }), statementText: 'DROP STREAM IF EXISTS b;' };
  assert.equal(
    renderEntityList([a, b]),
    '\nDROP STREAM IF EXISTS a;\n Message \n---------\n one     \n---------\n' +
      '\nDROP STREAM IF EXISTS b;\n Message \n---------\n two     \n---------\n',
  );
  assert.equal(renderEntityList([a]), '\n Message \n---------\n one     \n---------\n');
});

test('an entity the shell does not know is shown as JSON rather than dropped', () => {
  assert.equal(
    renderEntity({ '@type': 'assert_topic', exists: true, warnings: [] } as ServerEntity),
    '{\n  "@type" : "assert_topic",\n  "exists" : true,\n  "warnings" : [ ]\n}\n',
  );
});

test('JSON output is laid out like Jackson’s pretty printer', () => {
  assert.equal(
    jacksonPretty([{ a: 1, b: [1, 'x'], c: {}, d: { e: null } }]),
    '[ {\n  "a" : 1,\n  "b" : [ 1, "x" ],\n  "c" : { },\n  "d" : {\n    "e" : null\n  }\n} ]',
  );
});

test('DESCRIBE CONNECTOR shows the one-phrase state and a retrying task with its error and since when', () => {
  const described = {
    '@type': 'connector_description',
    statementText: 'DESCRIBE CONNECTOR c;',
    connectorClass: 'io.confluent.connect.jdbc.JdbcSinkConnector',
    state: 'WARNING (0/1 tasks RUNNING, 1 RETRYING)',
    status: {
      name: 'C',
      type: 'sink',
      connector: { state: 'RUNNING', worker_id: 'localhost:8083' },
      tasks: [
        {
          id: 0,
          state: 'RUNNING',
          worker_id: 'localhost:8083',
          retrying: {
            since: '2026-12-06T21:40:00.000Z',
            error: 'PostgreSQL is unavailable: connection refused',
          },
        },
      ],
    },
    sources: [],
    topics: [],
    warnings: [],
  } as KsqlEntity;
  const out = renderEntity(described, { width: 200 });
  assert.match(out, /State\s+: WARNING \(0\/1 tasks RUNNING, 1 RETRYING\)/);
  assert.match(
    out,
    /RETRYING since 2026-12-06T21:40:00\.000Z\s*\|\s*PostgreSQL is unavailable: connection refused/,
  );
});
