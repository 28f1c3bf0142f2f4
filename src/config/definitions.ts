import type { ConfigKey } from './config-def.js';
import { atLeast, httpUrl, listenerUrls, nonEmptyString, oneOf, oneOfIgnoringCase } from './validators.js';

const INT_MAX = 2 ** 31 - 1;

/**
 * Every server property Sluice reads, declared once. Names follow ksqlDB where ksqlDB has one;
 * `sluice.*` are our own. Validation, docs, `describeEffectiveConfig` and secret masking all
 * come from this list.
 */
export const SERVER_PROPERTIES: readonly ConfigKey[] = [
  // --- Server ---
  {
    name: 'listeners',
    group: 'Server',
    type: 'LIST',
    defaultValue: ['http://0.0.0.0:8088'],
    importance: 'HIGH',
    documentation:
      'Comma-separated URLs the REST API listens on. Use http://[::]:8088 for all IPv6 interfaces, https:// to serve TLS (see the ssl.* properties).',
    validator: listenerUrls(),
  },
  {
    name: 'ksql.advertised.listener',
    group: 'Server',
    type: 'STRING',
    defaultValue: null,
    importance: 'MEDIUM',
    documentation:
      'The URL other nodes and clients should use to reach this server, when the bound listener (e.g. 0.0.0.0) is not routable.',
    validator: httpUrl(),
    notSupported: 'Sluice runs as one node and tells no other node or client where to reach it',
  },
  {
    name: 'ksql.service.id',
    group: 'Server',
    type: 'STRING',
    defaultValue: 'default_',
    importance: 'HIGH',
    documentation:
      'Names this server cluster; servers with the same id share statements and work. Also prefixes internal topic names, so end it with a separator such as _ or -.',
    validator: nonEmptyString(),
  },
  {
    name: 'ksql.idle.connection.timeout.seconds',
    group: 'Server',
    type: 'LONG',
    defaultValue: 600,
    importance: 'LOW',
    documentation:
      'Seconds a connection may carry no data in either direction before the server closes it. Raise it for push queries that emit rarely.',
    validator: atLeast(1),
  },
  {
    name: 'access.control.allow.origin',
    group: 'Server',
    type: 'STRING',
    defaultValue: '',
    importance: 'LOW',
    documentation:
      "Origins (comma-separated; * for any, or patterns such as https://*.example.com) whose web pages may call the REST API from a browser (CORS, with preflight). Empty: a request whose Origin is another site is refused (403), so no web page can make a visitor's browser run statements.",
  },
  {
    name: 'access.control.allow.methods',
    group: 'Server',
    type: 'LIST',
    defaultValue: ['GET', 'POST', 'HEAD'],
    importance: 'LOW',
    documentation:
      'HTTP methods a cross-origin caller admitted by access.control.allow.origin may use (answered to preflight requests).',
  },
  {
    name: 'access.control.allow.headers',
    group: 'Server',
    type: 'LIST',
    defaultValue: ['X-Requested-With', 'Content-Type', 'Accept', 'Origin', 'Authorization'],
    importance: 'LOW',
    documentation:
      'Request headers a cross-origin caller admitted by access.control.allow.origin may send (answered to preflight requests).',
  },
  {
    name: 'authentication.method',
    group: 'Server',
    type: 'STRING',
    defaultValue: 'NONE',
    importance: 'MEDIUM',
    documentation:
      'How REST clients authenticate: NONE, or BASIC (HTTP basic authentication against sluice.authentication.password.file, on the ksqlDB API and the embedded Connect REST API; /healthcheck and /info stay open).',
    validator: oneOf('NONE', 'BASIC'),
  },
  {
    name: 'authentication.realm',
    group: 'Server',
    type: 'STRING',
    defaultValue: '',
    importance: 'LOW',
    documentation: 'The realm named in basic-authentication challenges.',
  },
  {
    name: 'authentication.roles',
    group: 'Server',
    type: 'LIST',
    defaultValue: ['*'],
    importance: 'LOW',
    documentation:
      'Roles allowed to use the REST API when authentication is on (admin, developer, reader); * allows every authenticated user. A user whose role is not listed is refused (403).',
    validator: {
      describe: '*, admin, developer, reader',
      check: (value) => {
        const unknown = (value as readonly string[]).filter(
          (r) => !['*', 'admin', 'developer', 'reader'].includes(r),
        );
        return unknown.length === 0 ? undefined : `unknown role ${unknown.join(', ')}`;
      },
    },
  },

  {
    name: 'sluice.authentication.password.file',
    group: 'Server',
    type: 'STRING',
    defaultValue: null,
    importance: 'MEDIUM',
    documentation:
      "The users for authentication.method=BASIC: a file of salted scrypt hashes and roles, one user a line, written by 'sluice passwd FILE USER --role ROLE'. Read at start and again when it changes.",
  },
  {
    name: 'sluice.authentication.max.failed.logins',
    group: 'Server',
    type: 'INT',
    defaultValue: 10,
    importance: 'MEDIUM',
    documentation:
      'Failed logins admitted from one client address, and for one user name, within sluice.authentication.failed.login.window.seconds; more are answered 429 with Retry-After, without checking the password, until that long after the last failure. 0 turns the limit off.',
    validator: atLeast(0),
  },
  {
    name: 'sluice.authentication.failed.login.window.seconds',
    group: 'Server',
    type: 'INT',
    defaultValue: 60,
    importance: 'LOW',
    documentation:
      'How long failed logins are remembered, and how long a client or user name that reached sluice.authentication.max.failed.logins is refused after its last failure.',
    validator: atLeast(1),
  },

  // --- Limits ---
  {
    name: 'sluice.request.max.statements',
    group: 'Limits',
    type: 'INT',
    defaultValue: 10000,
    importance: 'LOW',
    documentation:
      'Most statements one /ksql request may hold; a longer script is refused (400) before any of it runs. Split it into several requests.',
    validator: atLeast(1),
  },
  {
    name: 'sluice.statement.max.length',
    group: 'Limits',
    type: 'INT',
    defaultValue: 1048576,
    importance: 'LOW',
    documentation:
      'Most characters one statement may have once its variables are substituted; a longer one is refused (400), so a few nested DEFINEs cannot expand into gigabytes.',
    validator: atLeast(1),
  },
  {
    name: 'sluice.statement.max.nesting.depth',
    group: 'Limits',
    type: 'INT',
    defaultValue: 1000,
    importance: 'LOW',
    documentation:
      'Deepest nesting one statement may have: parentheses, operators chained in one expression (a OR b OR …), and types within types. Deeper ones are refused (400) instead of exhausting the stack.',
    validator: atLeast(1),
  },

  {
    name: 'ksql.max.push.queries',
    group: 'Limits',
    type: 'INT',
    defaultValue: 100,
    importance: 'LOW',
    documentation:
      'Most push queries (and PRINTs) streaming at once; one more answers 400 (40003, "Maximum number of push queries exceeded"), as in ksqlDB.',
    validator: atLeast(1),
  },
  {
    name: 'sluice.push.queries.max.per.client',
    group: 'Limits',
    type: 'INT',
    defaultValue: 50,
    importance: 'LOW',
    documentation:
      'Most push queries (and PRINTs) one client address may stream at once, so one client cannot take every slot of ksql.max.push.queries.',
    validator: atLeast(1),
  },

  {
    name: 'sluice.inserts.stream.max.line.bytes',
    group: 'Limits',
    type: 'INT',
    defaultValue: 1048576,
    importance: 'LOW',
    documentation:
      'Longest line (one row, or the header) of a POST /inserts-stream body, in bytes; a longer one ends the stream with an error, the rows before it written.',
    validator: atLeast(1),
  },
  {
    name: 'sluice.inserts.stream.max.bytes',
    group: 'Limits',
    type: 'LONG',
    defaultValue: 1073741824,
    importance: 'LOW',
    documentation:
      'Most bytes one POST /inserts-stream request may carry; past it the stream ends with an error, the rows before it written. Send larger loads in several requests.',
    validator: atLeast(1),
  },

  // --- Storage ---
  {
    name: 'sluice.data.dir',
    group: 'Storage',
    type: 'STRING',
    defaultValue: './sluice-data',
    importance: 'HIGH',
    documentation:
      'Directory of the embedded log and state stores. One server per directory: it is locked while the server runs.',
    validator: nonEmptyString(),
  },
  {
    name: 'sluice.log.durability',
    group: 'Storage',
    type: 'STRING',
    defaultValue: 'interval',
    importance: 'MEDIUM',
    documentation:
      'When appended records reach the disk: interval flushes every sluice.log.flush.interval.ms (a crash may lose the last interval); fsync syncs before acknowledging each append (slower, loses nothing acknowledged).',
    validator: oneOf('interval', 'fsync'),
  },
  {
    name: 'sluice.log.flush.interval.ms',
    group: 'Storage',
    type: 'LONG',
    defaultValue: 1000,
    importance: 'MEDIUM',
    documentation: 'Milliseconds between flushes of the embedded log when sluice.log.durability is interval.',
    validator: atLeast(1),
  },
  {
    name: 'sluice.allow.missing.command.topic',
    group: 'Storage',
    type: 'BOOLEAN',
    defaultValue: false,
    importance: 'LOW',
    documentation:
      'Start even when the command topic is gone from a data dir a server used before (its processing log is there): the server then starts with no streams, tables or queries. Without it such a start is refused, naming the topic.',
  },
  {
    name: 'sluice.topic.max.partitions',
    group: 'Storage',
    type: 'INT',
    defaultValue: 1000,
    importance: 'LOW',
    documentation:
      "Most partitions one topic of the embedded log may have. Each partition keeps at least one file open; all topics together must also fit in the process's open-file limit (ulimit -n, less a quarter kept for connections), checked when a topic is created.",
    validator: atLeast(1),
  },
  {
    name: 'sluice.log.retention.check.interval.ms',
    group: 'Storage',
    type: 'LONG',
    defaultValue: 300000,
    importance: 'LOW',
    documentation: 'Milliseconds between checks that delete log segments past their topic retention.',
    validator: atLeast(1),
  },
  {
    name: 'sluice.kafka.listeners',
    group: 'Storage',
    type: 'STRING',
    defaultValue: 'PLAINTEXT://127.0.0.1:9092',
    importance: 'HIGH',
    documentation:
      "Where the embedded log listens for Kafka clients (producers, consumers, admin tools), as PLAINTEXT://HOST:PORT, SASL_PLAINTEXT://HOST:PORT (SASL/PLAIN against sluice.authentication.password.file; with authentication.method=BASIC the listener always asks for it), or SSL://HOST:PORT / SASL_SSL://HOST:PORT (TLS with the ssl.keystore.* and, for client certificates, ssl.client.authentication and ssl.truststore.* settings); empty turns the Kafka listener off. 'sluice server --kafka-port N' sets the port. A server whose REST port is 0 takes a free port here too unless this is set.",
    validator: {
      describe: 'PLAINTEXT://, SASL_PLAINTEXT://, SSL:// or SASL_SSL://HOST:PORT, or empty',
      check: (value) =>
        value === '' || /^(SASL_)?(PLAINTEXT|SSL):\/\/(\[[^\]]+\]|[^:/]*):\d{1,5}$/i.test(String(value))
          ? undefined
          : 'must be PLAINTEXT://HOST:PORT (e.g. PLAINTEXT://127.0.0.1:9092) SASL_PLAINTEXT://, SSL:// or SASL_SSL://HOST:PORT, or empty to turn the Kafka listener off',
    },
  },
  {
    name: 'sluice.schema.registry.listeners',
    group: 'Schema Registry',
    type: 'STRING',
    defaultValue: 'http://127.0.0.1:8081',
    importance: 'HIGH',
    documentation:
      "Where Sluice's own Confluent-compatible Schema Registry listens, as http://HOST:PORT; empty turns it off. Its schemas live in the compacted _schemas topic. It binds 127.0.0.1 by default, as the Kafka listener does, since anyone who reaches it can register and delete schemas: set http://0.0.0.0:8081 to serve other machines (with authentication.method=BASIC it asks for the same users: readers read, developers and admins write). A server whose REST port is 0 takes a free port here too unless this is set.",
    validator: {
      describe: 'http://HOST:PORT, or empty',
      check: (value) =>
        value === '' || /^http:\/\/(\[[^\]]+\]|[^:/]*):\d{1,5}\/?$/i.test(String(value))
          ? undefined
          : 'must be http://HOST:PORT (e.g. http://127.0.0.1:8081), or empty to turn the Schema Registry off; https:// is not served yet',
    },
  },
  {
    name: 'bootstrap.servers',
    group: 'Storage',
    type: 'LIST',
    defaultValue: null,
    importance: 'HIGH',
    documentation:
      'Kafka brokers (host:port, comma-separated). Set, every topic of the server (streams, tables, the command topic, the processing log, consumer groups) lives in that Apache Kafka cluster; state stores stay under sluice.data.dir. Reads are read_committed; processing.guarantee=exactly_once_v2 is not offered to queries there yet. Unset, Sluice stores topics in its embedded log under sluice.data.dir.',
  },
  {
    name: 'ksql.internal.topic.replicas',
    group: 'Storage',
    type: 'INT',
    defaultValue: 1,
    importance: 'LOW',
    documentation:
      'Replication factor of the topics the server creates in Kafka (with bootstrap.servers), unless a statement gives WITH (REPLICAS=…). The embedded log keeps one copy of every topic and refuses REPLICAS above 1.',
    validator: atLeast(1),
  },
  {
    name: 'ksql.hidden.topics',
    group: 'Storage',
    type: 'LIST',
    defaultValue: [
      '_confluent.*',
      '__confluent.*',
      '_schemas',
      '__consumer_offsets',
      '__transaction_state',
      'connect-configs',
      'connect-offsets',
      'connect-status',
      'connect-statuses',
    ],
    importance: 'LOW',
    documentation: 'Topic names or regular expressions left out of SHOW TOPICS and refused as sources.',
  },

  // --- Queries ---
  {
    name: 'ksql.streams.auto.offset.reset',
    group: 'Queries',
    type: 'STRING',
    defaultValue: 'latest',
    importance: 'MEDIUM',
    documentation:
      'Where a new query starts reading a topic: latest (only new records) or earliest (from the beginning). SET it per session.',
    validator: oneOf('earliest', 'latest', 'none'),
  },
  {
    name: 'ksql.streams.num.stream.threads',
    group: 'Queries',
    type: 'INT',
    defaultValue: 4,
    importance: 'MEDIUM',
    documentation: 'How many workers run persistent query tasks in this server.',
    validator: atLeast(1),
    notSupported: "queries run on the server's event loop, not on a pool of stream threads",
  },
  {
    name: 'ksql.streams.commit.interval.ms',
    group: 'Queries',
    type: 'LONG',
    defaultValue: 2000,
    importance: 'LOW',
    documentation:
      "Milliseconds between commits of query progress (offsets and state); an aggregation's record cache forwards its updates at each commit.",
    validator: atLeast(0),
  },
  {
    name: 'ksql.streams.metadata.max.age.ms',
    group: 'Queries',
    type: 'LONG',
    defaultValue: 30000,
    importance: 'LOW',
    documentation:
      "Milliseconds between looks at a persistent query's source topics for partitions added to them (createPartitions).",
    validator: atLeast(1),
  },
  {
    name: 'ksql.streams.cache.max.bytes.buffering',
    group: 'Queries',
    type: 'LONG',
    defaultValue: 10000000,
    importance: 'LOW',
    documentation:
      "Bytes of each persistent query's record cache: an aggregation (GROUP BY, windowed or not) keeps each group's latest update there and emits it, and writes its changelog record, once per commit interval (or when the cache is full), as Kafka Streams does. 0 emits every update. A query's own cache.max.bytes.buffering (SET or streamsProperties) overrides it.",
    validator: atLeast(0),
  },
  {
    name: 'ksql.streams.processing.guarantee',
    group: 'Queries',
    type: 'STRING',
    defaultValue: 'at_least_once',
    importance: 'LOW',
    documentation:
      'Processing semantics of persistent queries: at_least_once, or exactly_once_v2 (exactly_once is accepted as its old name).',
    validator: oneOf('at_least_once', 'exactly_once', 'exactly_once_v2'),
  },
  {
    name: 'ksql.query.retry.backoff.initial.ms',
    group: 'Queries',
    type: 'LONG',
    defaultValue: 15000,
    importance: 'LOW',
    documentation:
      'Milliseconds a persistent query in ERROR waits before its first restart; each further restart waits twice as long, up to ksql.query.retry.backoff.max.ms.',
    validator: atLeast(0),
  },
  {
    name: 'ksql.query.retry.backoff.max.ms',
    group: 'Queries',
    type: 'LONG',
    defaultValue: 900000,
    importance: 'LOW',
    documentation: 'Longest wait between restarts of a persistent query in ERROR.',
    validator: atLeast(0),
  },
  {
    name: 'ksql.query.status.running.threshold.seconds',
    group: 'Queries',
    type: 'INT',
    defaultValue: 300,
    importance: 'LOW',
    documentation:
      'Seconds a restarted query must run without error before its errors are cleared and its restart backoff starts again from the initial wait.',
    validator: atLeast(0),
  },
  {
    name: 'ksql.persistence.wrap.single.values',
    group: 'Queries',
    type: 'BOOLEAN',
    defaultValue: null,
    importance: 'LOW',
    documentation:
      'Default for WRAP_SINGLE_VALUE: true writes a single value column inside an object/record, false writes it bare. Unset, each format uses its own default.',
  },
  {
    name: 'ksql.persistence.default.format.key',
    group: 'Queries',
    type: 'STRING',
    defaultValue: 'KAFKA',
    importance: 'LOW',
    documentation: 'KEY_FORMAT used by CREATE STREAM/TABLE statements that name none.',
  },
  {
    name: 'ksql.persistence.default.format.value',
    group: 'Queries',
    type: 'STRING',
    defaultValue: null,
    importance: 'LOW',
    documentation:
      'VALUE_FORMAT used by CREATE STREAM/TABLE statements that name none. Unset, such statements are rejected.',
  },
  {
    name: 'ksql.output.topic.name.prefix',
    group: 'Queries',
    type: 'STRING',
    defaultValue: '',
    importance: 'LOW',
    documentation:
      'Prefix added to the names of topics created for CREATE ... AS SELECT when the statement names no topic.',
  },
  {
    name: 'ksql.schema.registry.url',
    group: 'Schema Registry',
    type: 'STRING',
    defaultValue: null,
    importance: 'MEDIUM',
    documentation:
      'The Schema Registry the AVRO format uses (a comma list of http(s):// URLs, tried in turn). Unset, Sluice uses its own registry in-process (the one sluice.schema.registry.listeners serves). Credentials may be given in the URL (http://user:password@host:8081) or by the ksql.schema.registry.basic.auth.* and bearer.auth.* settings; https:// takes the ksql.schema.registry.ssl.* settings.',
    validator: {
      describe: 'comma-separated http:// or https:// URLs',
      check: (value, name) => {
        if (typeof value !== 'string') return undefined;
        for (const url of value.split(',')) {
          const problem = httpUrl().check(url.trim(), name);
          if (problem !== undefined) return problem;
        }
        return undefined;
      },
    },
  },
  ...registryClientKeys(),

  {
    name: 'ksql.query.pull.table.scan.enabled',
    group: 'Queries',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'MEDIUM',
    documentation:
      'Whether pull queries may scan a whole table (no WHERE, ranges, non-key filters). A request property overrides it either way.',
  },
  {
    name: 'ksql.query.pull.consistency.token.enabled',
    group: 'Queries',
    type: 'BOOLEAN',
    defaultValue: false,
    importance: 'LOW',
    documentation:
      'Whether a table pull query that sends request.ksql.query.pull.consistency.token (in requestProperties; "" the first time) gets a consistencyToken after its rows, and is refused while the table is behind the token it sent. A request property overrides it either way.',
  },
  {
    name: 'ksql.query.pull.stream.enabled',
    group: 'Queries',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'MEDIUM',
    documentation:
      'Whether pull queries may read streams (from the beginning to the end offsets seen at their start). A request property overrides it either way.',
  },
  {
    name: 'ksql.query.persistent.active.limit',
    group: 'Queries',
    type: 'INT',
    defaultValue: INT_MAX,
    importance: 'LOW',
    documentation:
      'Most persistent queries that may run at once; statements that would start one more are rejected.',
    validator: atLeast(0),
    notSupported: 'the number of persistent queries is not limited',
  },
  {
    name: 'ksql.fail.on.deserialization.error',
    group: 'Queries',
    type: 'BOOLEAN',
    defaultValue: false,
    importance: 'LOW',
    documentation:
      'Whether a record that cannot be decoded stops the query (true) or is logged to the processing log and skipped (false).',
    notSupported: 'a record that cannot be decoded is always logged to the processing log and skipped',
  },
  {
    name: 'ksql.fail.on.production.error',
    group: 'Queries',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'LOW',
    documentation:
      'Whether an output record that can never be written (larger than the sink topic allows, say) stops the query, with nothing after it committed (true), or goes to the processing log while the rest is written (false).',
  },
  {
    name: 'ksql.variable.substitution.enable',
    group: 'Queries',
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'LOW',
    documentation: `Whether variable references in statements (\${name}) are replaced by values set with DEFINE.`,
    notSupported: 'variable substitution cannot be turned off',
  },
  {
    name: 'ksql.queries.file',
    group: 'Queries',
    type: 'STRING',
    defaultValue: null,
    importance: 'MEDIUM',
    documentation:
      'A SQL file the server runs at start in headless mode; the REST API then refuses statements.',
    notSupported: 'headless mode is not implemented',
  },
  {
    name: 'ksql.extension.dir',
    group: 'Queries',
    type: 'STRING',
    defaultValue: 'ext',
    importance: 'LOW',
    documentation: 'Directory searched for user-defined functions.',
    notSupported: 'user-defined functions from jars are not supported',
  },
  {
    name: 'ksql.properties.overrides.denylist',
    group: 'Queries',
    type: 'LIST',
    defaultValue: [],
    importance: 'LOW',
    documentation: 'Properties that clients may not override with SET or per-request properties.',
    notSupported: 'request properties are not checked against a denylist',
  },

  // --- Processing log ---
  {
    name: 'ksql.logging.processing.topic.name',
    group: 'Processing log',
    type: 'STRING',
    defaultValue: null,
    derivedDefault: {
      describe: '<ksql.service.id>ksql_processing_log',
      compute: (lookup) => `${String(lookup('ksql.service.id') ?? '')}ksql_processing_log`,
    },
    importance: 'LOW',
    documentation: 'Topic the processing log (records that failed to process) is written to.',
  },
  {
    name: 'ksql.logging.processing.topic.auto.create',
    group: 'Processing log',
    type: 'BOOLEAN',
    // ksqlDB's default is false; Sluice creates the topic at every start, which is what true asks
    // for (the seed's compose file sets true), so true is its default and the value accepted.
    defaultValue: true,
    importance: 'LOW',
    documentation: 'Whether the server creates the processing-log topic at start.',
    notSupported:
      'Sluice creates the processing-log topic (one partition) at every start; false, leaving it to be created elsewhere, is not implemented',
  },
  {
    name: 'ksql.logging.processing.topic.partitions',
    group: 'Processing log',
    type: 'INT',
    defaultValue: 1,
    importance: 'LOW',
    documentation: 'Partitions of the processing-log topic when the server creates it.',
    validator: atLeast(1),
    notSupported: 'the processing-log topic is created as Sluice needs it, with one partition',
  },
  {
    name: 'ksql.logging.processing.topic.replication.factor',
    group: 'Processing log',
    type: 'INT',
    defaultValue: 1,
    importance: 'LOW',
    documentation: 'Replication factor of the processing-log topic when the server creates it.',
    validator: atLeast(1),
    notSupported: 'the embedded log keeps one copy of every topic',
  },
  {
    name: 'ksql.logging.processing.stream.auto.create',
    group: 'Processing log',
    type: 'BOOLEAN',
    defaultValue: false,
    importance: 'LOW',
    documentation:
      'Whether the server creates a stream over the processing-log topic at start, so it can be queried.',
  },
  {
    name: 'ksql.logging.processing.stream.name',
    group: 'Processing log',
    type: 'STRING',
    defaultValue: 'KSQL_PROCESSING_LOG',
    importance: 'LOW',
    documentation: 'Name of the stream created by ksql.logging.processing.stream.auto.create.',
  },
  {
    name: 'ksql.logging.processing.rows.include',
    group: 'Processing log',
    type: 'BOOLEAN',
    defaultValue: false,
    importance: 'LOW',
    documentation: 'Whether processing-log entries include the offending row. Rows may hold personal data.',
    notSupported: 'processing-log entries never carry the row',
  },

  // --- Connect ---
  {
    name: 'ksql.connect.url',
    group: 'Connect',
    type: 'STRING',
    defaultValue: 'http://localhost:8083',
    importance: 'HIGH',
    documentation:
      'Kafka Connect REST URL that connector statements are sent to. Set it to use an external Connect cluster (or a `sluice connect` worker); a path prefix such as https://host/api/connect is kept.',
    validator: httpUrl(),
  },
  {
    name: 'ksql.connect.worker.config',
    group: 'Connect',
    type: 'STRING',
    defaultValue: '',
    importance: 'MEDIUM',
    documentation:
      'Path of a Connect worker properties file. When set, the server runs an embedded Connect worker with it. KSQL_CONNECT_* environment variables do the same without a file.',
  },
  {
    name: 'ksql.connect.basic.auth.credentials.source',
    group: 'Connect',
    type: 'STRING',
    defaultValue: 'NONE',
    importance: 'LOW',
    documentation:
      'Where the Authorization header for requests to ksql.connect.url comes from: NONE sends none, FILE sends basic credentials read from ksql.connect.basic.auth.credentials.file.',
    validator: oneOfIgnoringCase('NONE', 'FILE'),
  },
  {
    name: 'ksql.connect.basic.auth.credentials.file',
    group: 'Connect',
    type: 'STRING',
    defaultValue: '',
    importance: 'LOW',
    documentation:
      'Properties file with username and password for Connect, used when the credentials source is FILE.',
  },
  {
    name: 'ksql.connect.basic.auth.credentials.reload',
    group: 'Connect',
    type: 'BOOLEAN',
    defaultValue: false,
    importance: 'LOW',
    documentation: 'Whether the credentials file is re-read when it changes.',
  },
  {
    name: 'ksql.connect.request.timeout.ms',
    group: 'Connect',
    type: 'LONG',
    defaultValue: 5000,
    importance: 'LOW',
    documentation: 'Milliseconds to wait for each Connect REST call.',
    validator: atLeast(1),
  },
  {
    name: 'sluice.connect.create.wait.ms',
    group: 'Connect',
    type: 'LONG',
    defaultValue: 5000,
    importance: 'LOW',
    documentation:
      "External mode: milliseconds CREATE … CONNECTOR watches a new connector's status on ksql.connect.url; one that fails to start within them (it or a task FAILED) is removed and the statement fails with the reason. 0 does not watch.",
    validator: atLeast(0),
  },
  {
    name: 'sluice.connect.request.headers',
    group: 'Connect',
    type: 'PASSWORD',
    defaultValue: null,
    importance: 'LOW',
    documentation:
      "Headers sent with every request to ksql.connect.url, as Name:value pairs separated by commas (a value cannot hold a comma), e.g. X-Tenant:analytics,X-Api-Key:abc. What ksqlDB's ksql.connect.request.headers.plugin adds from Java code; a PASSWORD because such headers often carry tokens. An Authorization header here gives way to ksql.connect.basic.auth.*.",
  },
  ...connectSslSettings(),
  {
    name: 'ksql.connect.request.headers.plugin',
    group: 'Connect',
    type: 'CLASS',
    defaultValue: null,
    importance: 'LOW',
    documentation: 'Extension that adds headers (e.g. auth tokens) to requests sent to Connect.',
    notSupported: 'no plugin can add headers to requests sent to ksql.connect.url',
  },

  // --- TLS ---
  {
    name: 'ssl.keystore.location',
    group: 'TLS',
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'Key store with the server certificate, for https:// listeners.',
  },
  {
    name: 'ssl.keystore.key',
    group: 'TLS',
    type: 'PASSWORD',
    defaultValue: null,
    importance: 'HIGH',
    documentation:
      'The private key in PEM, given in the config itself instead of ssl.keystore.location (with ssl.keystore.type=PEM and ssl.keystore.certificate.chain); ssl.key.password decrypts an encrypted one.',
  },
  {
    name: 'ssl.keystore.certificate.chain',
    group: 'TLS',
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'The certificate chain in PEM that goes with ssl.keystore.key.',
  },
  {
    name: 'ssl.truststore.certificates',
    group: 'TLS',
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    documentation:
      'The CA certificates in PEM, given in the config itself instead of ssl.truststore.location, that client certificates must be signed by.',
  },
  {
    name: 'ssl.keystore.type',
    group: 'TLS',
    type: 'STRING',
    defaultValue: 'PKCS12',
    importance: 'MEDIUM',
    documentation: 'Format of the key store: PKCS12 or PEM.',
    validator: oneOfIgnoringCase('PKCS12', 'PEM'),
  },
  {
    name: 'ssl.keystore.password',
    group: 'TLS',
    type: 'PASSWORD',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'Password of the key store.',
  },
  {
    name: 'ssl.key.password',
    group: 'TLS',
    type: 'PASSWORD',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'Password of the private key in the key store, if it differs from the store password.',
  },
  {
    name: 'ssl.truststore.location',
    group: 'TLS',
    type: 'STRING',
    defaultValue: null,
    importance: 'HIGH',
    documentation:
      'The CA certificates (PEM) that client certificates must be signed by, when ssl.client.authentication is REQUESTED or REQUIRED.',
  },
  {
    name: 'ssl.truststore.type',
    group: 'TLS',
    type: 'STRING',
    defaultValue: 'PEM',
    importance: 'MEDIUM',
    documentation: 'Format of the trust store: PEM (a PKCS12 trust store is refused: convert it to PEM).',
    validator: oneOfIgnoringCase('PKCS12', 'PEM'),
  },
  {
    name: 'ssl.truststore.password',
    group: 'TLS',
    type: 'PASSWORD',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'Password of the trust store.',
    notSupported: 'the trust store must be PEM, which has no password',
  },
  {
    name: 'ssl.client.authentication',
    group: 'TLS',
    type: 'STRING',
    defaultValue: 'NONE',
    importance: 'MEDIUM',
    documentation: 'Whether https:// clients must present a certificate: NONE, REQUESTED or REQUIRED.',
    validator: oneOf('NONE', 'REQUESTED', 'REQUIRED'),
  },
];

/** Key prefixes whose undeclared keys ksqlDB configs often carry: kept, with a warning that nothing reads them. */
export const PASS_THROUGH_PREFIXES: readonly string[] = ['ksql.streams.', 'ksql.connect.', 'ksql.functions.'];

/** Our own namespace: an undeclared `sluice.*` key is a typo, never a pass-through. */
export const SLUICE_PREFIX = 'sluice.';

/** `ksql.streams.X` may also be written `X`, as in ksqlDB's server file and SET statements. */
export const STREAMS_PREFIX = 'ksql.streams.';

const byName = new Map(SERVER_PROPERTIES.map((d) => [d.name, d]));

export function findServerProperty(name: string): ConfigKey | undefined {
  return byName.get(name);
}

/** Confluent's Schema Registry client settings, as ksqlDB takes them under ksql.schema.registry.*. */
function registryClientKeys(): ConfigKey[] {
  const key = (
    suffix: string,
    type: 'STRING' | 'PASSWORD',
    documentation: string,
    defaultValue: string | null = null,
  ): ConfigKey => ({
    name: `ksql.schema.registry.${suffix}`,
    group: 'Schema Registry',
    type,
    defaultValue,
    importance: 'LOW',
    documentation,
  });
  return [
    {
      ...key(
        'basic.auth.credentials.source',
        'STRING',
        'Where the basic-auth credentials for ksql.schema.registry.url come from: URL (user:password@ in the URL), USER_INFO (ksql.schema.registry.basic.auth.user.info) or SASL_INHERIT (username and password of ksql.schema.registry.sasl.jaas.config).',
        'URL',
      ),
      validator: oneOfIgnoringCase('URL', 'USER_INFO', 'SASL_INHERIT'),
    },
    key(
      'basic.auth.user.info',
      'PASSWORD',
      'The user:password for the Schema Registry, with basic.auth.credentials.source=USER_INFO.',
    ),
    {
      ...key(
        'bearer.auth.credentials.source',
        'STRING',
        'Bearer authentication to the Schema Registry: STATIC_TOKEN (ksql.schema.registry.bearer.auth.token), OAUTHBEARER (a client-credentials token from ksql.schema.registry.bearer.auth.issuer.endpoint.url, cached and refreshed) or SASL_OAUTHBEARER_INHERIT (the same, with the OAuthBearerLoginModule options of ksql.schema.registry.sasl.jaas.config).',
      ),
      validator: oneOfIgnoringCase('STATIC_TOKEN', 'OAUTHBEARER', 'SASL_OAUTHBEARER_INHERIT'),
    },
    key(
      'bearer.auth.token',
      'PASSWORD',
      'The bearer token for the Schema Registry (bearer.auth.credentials.source=STATIC_TOKEN).',
    ),
    key(
      'bearer.auth.issuer.endpoint.url',
      'STRING',
      "The identity provider's OAuth token endpoint (bearer.auth.credentials.source=OAUTHBEARER); an https:// one is checked with the ksql.schema.registry.ssl.* settings.",
    ),
    key('bearer.auth.client.id', 'STRING', 'The OAuth client id, sent with the secret in HTTP basic auth.'),
    key('bearer.auth.client.secret', 'PASSWORD', 'The OAuth client secret.'),
    key('bearer.auth.scope', 'STRING', 'The scope asked for with the token (optional).'),
    key(
      'bearer.auth.scope.claim.name',
      'STRING',
      "The JWT claim holding the token's scopes (default: scope).",
    ),
    key(
      'bearer.auth.sub.claim.name',
      'STRING',
      "The JWT claim naming the token's subject, which must be there (default: sub).",
    ),
    key(
      'bearer.auth.cache.expiry.buffer.seconds',
      'STRING',
      "A new token is fetched at 80 % of the current one's life, and no later than this many seconds before it expires (default: 300).",
    ),
    key(
      'bearer.auth.logical.cluster',
      'STRING',
      "Sent as the target-sr-cluster header with a bearer token (Confluent Cloud's Schema Registry cluster id, lsrc-…).",
    ),
    key(
      'bearer.auth.identity.pool.id',
      'STRING',
      'Sent as the Confluent-Identity-Pool-Id header with a bearer token.',
    ),
    key(
      'sasl.jaas.config',
      'PASSWORD',
      'The Kafka client login to inherit: an OAuthBearerLoginModule entry (clientId, clientSecret, scope, extension_identityPoolId) for bearer SASL_OAUTHBEARER_INHERIT, or a PLAIN/SCRAM entry (username, password) for basic SASL_INHERIT.',
    ),
    key(
      'sasl.oauthbearer.token.endpoint.url',
      'STRING',
      'The OAuth token endpoint for SASL_OAUTHBEARER_INHERIT (bearer.auth.issuer.endpoint.url comes first).',
    ),
    key(
      'sasl.oauthbearer.scope.claim.name',
      'STRING',
      'For SASL_OAUTHBEARER_INHERIT, the JWT scope claim (before bearer.auth.scope.claim.name).',
    ),
    key(
      'sasl.oauthbearer.sub.claim.name',
      'STRING',
      'For SASL_OAUTHBEARER_INHERIT, the JWT subject claim (before bearer.auth.sub.claim.name).',
    ),
    key(
      'ssl.truststore.location',
      'STRING',
      'Truststore (JKS, PKCS12 or PEM) with the CA certificates that an https:// Schema Registry must be signed by (default: the system CAs).',
    ),
    {
      ...key(
        'ssl.truststore.type',
        'STRING',
        "JKS, PKCS12 or PEM; unset, the file's content decides. As in Java 17, JKS and PKCS12 each read the other.",
      ),
      validator: oneOfIgnoringCase('JKS', 'PKCS12', 'PEM'),
    },
    key(
      'ssl.truststore.password',
      'PASSWORD',
      'Password of a JKS or PKCS12 truststore (checked against its integrity digest; a JKS one is read unchecked without it).',
    ),
    key(
      'ssl.truststore.certificates',
      'STRING',
      'The CA certificates in PEM, given in the config itself instead of a truststore file.',
    ),
    key(
      'ssl.keystore.location',
      'STRING',
      'Client certificate and key for an https:// Schema Registry that asks for one: a JKS, PKCS12 or PEM file.',
    ),
    {
      ...key('ssl.keystore.type', 'STRING', "JKS, PKCS12 or PEM; unset, the file's content decides."),
      validator: oneOfIgnoringCase('JKS', 'PKCS12', 'PEM'),
    },
    key('ssl.keystore.password', 'PASSWORD', 'Password of the JKS or PKCS12 keystore.'),
    key(
      'ssl.key.password',
      'PASSWORD',
      "Password of the private key in a JKS keystore (default: the keystore's) or an encrypted PEM one.",
    ),
    key(
      'ssl.endpoint.identification.algorithm',
      'STRING',
      "With https (the default) the Schema Registry certificate's host name is checked; empty turns the check off.",
    ),
  ];
}

/**
 * ksql.connect.ssl.*: TLS for the server's requests to an https:// ksql.connect.url. Each falls back
 * to the same ssl.* setting, as ksqlDB's Connect client takes ssl.* overridden by these.
 */
function connectSslSettings(): ConfigKey[] {
  const setting = (
    suffix: string,
    type: 'STRING' | 'PASSWORD',
    documentation: string,
    validator?: ConfigKey['validator'],
  ): ConfigKey => ({
    name: `ksql.connect.ssl.${suffix}`,
    group: 'Connect',
    type,
    defaultValue: null,
    importance: 'LOW',
    documentation: suffix.startsWith('endpoint')
      ? documentation
      : `${documentation} Falls back to ssl.${suffix}.`,
    ...(validator === undefined ? {} : { validator }),
  });
  return [
    setting(
      'truststore.location',
      'STRING',
      "Truststore (JKS, PKCS12 or PEM) with the CA certificates that an https:// ksql.connect.url's certificate must be signed by, instead of Node's bundled CAs.",
    ),
    setting(
      'truststore.certificates',
      'STRING',
      'The same CA certificates as PEM text in the config itself, instead of ksql.connect.ssl.truststore.location.',
    ),
    setting(
      'truststore.type',
      'STRING',
      "Format of the trust store: JKS, PKCS12 or PEM; unset, the file's content decides.",
      oneOfIgnoringCase('JKS', 'PKCS12', 'PEM'),
    ),
    setting('truststore.password', 'PASSWORD', 'Password of a JKS or PKCS12 trust store.'),
    setting(
      'keystore.location',
      'STRING',
      'A client certificate and key (JKS, PKCS12 or PEM) presented to a Connect that asks for one (mutual TLS).',
    ),
    setting(
      'keystore.type',
      'STRING',
      "Format of the client keystore: JKS, PKCS12 or PEM; unset, the file's content decides.",
      oneOfIgnoringCase('JKS', 'PKCS12', 'PEM'),
    ),
    setting('keystore.password', 'PASSWORD', 'Password of the client keystore.'),
    setting(
      'key.password',
      'PASSWORD',
      'Password of the client key, if it differs from the keystore password.',
    ),
    setting(
      'keystore.key',
      'PASSWORD',
      'The client key as PEM text, instead of ksql.connect.ssl.keystore.location.',
    ),
    setting(
      'keystore.certificate.chain',
      'STRING',
      'The certificate chain (PEM) that goes with ksql.connect.ssl.keystore.key.',
    ),
    setting(
      'endpoint.identification.algorithm',
      'STRING',
      "With https (the default), the Connect certificate must name the URL's host; empty or none skips that check (the chain is still verified).",
      {
        describe: 'https, none or empty',
        check: (value) =>
          typeof value === 'string' && !['https', 'none', ''].includes(value.toLowerCase())
            ? 'String must be one of: https, none, or empty'
            : undefined,
      },
    ),
  ];
}
