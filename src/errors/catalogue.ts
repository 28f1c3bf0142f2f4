/*
 * Every error code a user of Sluice can meet, with what it means and what to do: the one catalogue
 * behind SluiceError and docs/errors.md (`npm run docs` regenerates that page from here).
 *
 * The number is what REST bodies carry in `error_code`. Where Sluice speaks another product's API
 * it uses that product's number: ksqlDB's (HTTP status × 100 + detail) on /ksql and the query
 * endpoints, Confluent REST Proxy's on /v3, Kafka Connect's (the HTTP status) on the Connect REST
 * API. Log and configuration errors have no REST home of their own; their number is the one REST
 * Proxy answers for them, and the name is what `code` carries.
 */

/** Where an error is met: which API answers with it, or which step of running Sluice. */
export type ErrorSurface = 'ksql' | 'rest-proxy' | 'connect' | 'schema-registry' | 'log' | 'config';

export interface ErrorEntry {
  /** The `error_code` of REST bodies. */
  readonly errorCode: number;
  readonly httpStatus: number;
  readonly surface: ErrorSurface;
  /** What went wrong, in one sentence. */
  readonly meaning: string;
  /** What to do about it. */
  readonly remedy: string;
}

function entry(
  surface: ErrorSurface,
  errorCode: number,
  httpStatus: number,
  meaning: string,
  remedy: string,
): ErrorEntry {
  return { surface, errorCode, httpStatus, meaning, remedy };
}

export const ERROR_CATALOGUE = {
  // ksqlDB's REST API: /ksql, /query, /query-stream, /inserts-stream, /close-query, /status.
  BAD_REQUEST: entry(
    'ksql',
    40000,
    400,
    'The request itself is malformed: not a JSON object, an unknown field, a property a request may not set, or a connector statement whose values Kafka Connect refuses.',
    'Fix the field or value the message names; the request shapes are in docs/rest-api.md.',
  ),
  BAD_STATEMENT: entry(
    'ksql',
    40001,
    400,
    'A statement does not parse, names something that does not exist, or cannot run as written.',
    'Fix the statement the response echoes in statementText as the message says; nothing of a request that fails validation has run.',
  ),
  QUERY_ENDPOINT: entry(
    'ksql',
    40002,
    400,
    'A SELECT or PRINT was sent to /ksql, which runs statements but streams no rows.',
    'Send queries to /query-stream (or the older /query); in the CLI just type them.',
  ),
  MAX_PUSH_QUERIES: entry(
    'ksql',
    40003,
    400,
    'The server already runs as many push queries as ksql.max.push.queries allows.',
    'Close push queries you no longer read (POST /close-query, or end their requests), or raise ksql.max.push.queries.',
  ),
  UNAUTHORIZED: entry(
    'ksql',
    40100,
    401,
    'The request carries no valid credentials and the server requires them (authentication.method=BASIC).',
    'Send HTTP basic credentials of a user in the password file (sluice -u USER -p PASSWORD, or SLUICE_USER/SLUICE_PASSWORD).',
  ),
  FORBIDDEN: entry(
    'ksql',
    40300,
    403,
    "The caller's role may not do what the request asks (for example a read-only user creating a stream, or anyone but an admin reading an internal topic).",
    'Ask with a user whose role allows it; the message names what was refused.',
  ),
  TOO_MANY_FAILED_LOGINS: entry(
    'ksql',
    42900,
    429,
    'Too many logins failed lately from this client address or for this user name (sluice.authentication.max.failed.logins within sluice.authentication.failed.login.window.seconds); the password is not checked until the pause ends.',
    'Wait the seconds the Retry-After header gives, then log in with the right password; a user who logged in before is not held back by guesses at their name.',
  ),
  NOT_FOUND: entry(
    'ksql',
    40400,
    404,
    'The path, command, query or connector asked for does not exist.',
    'Check the name or the URL; SHOW QUERIES, SHOW CONNECTORS and GET /status list what exists.',
  ),
  REQUEST_TOO_LARGE: entry(
    'ksql',
    41300,
    413,
    'The request body is larger than the server takes.',
    'Send fewer statements or rows per request (split a script, stream inserts through /inserts-stream).',
  ),
  CONFLICT: entry(
    'ksql',
    40900,
    409,
    'Something of that name already exists (a connector).',
    'Pick another name, drop the existing one first, or add IF NOT EXISTS to make the statement a no-op.',
  ),
  SERVER_ERROR: entry(
    'ksql',
    50000,
    500,
    'The server failed while running a valid request (a log or Kafka Connect failure, or a bug).',
    "Read the message for the cause; if it points at no mistake of the request, it is Sluice's: report it with the statement.",
  ),
  CONNECT_ERROR: entry(
    'ksql',
    50000,
    500,
    "Kafka Connect refused or failed a connector statement; ksqlDB's rule keeps Connect's HTTP status in the code (status × 100: 40400 not found, 40900 conflict, 50000 its own failure).",
    "Read Connect's message after the prefix (Failed to create connector: …); check that ksql.connect.url reaches a worker and that the connector's config is right.",
  ),

  // Confluent REST Proxy's v3 API: /v3/clusters/… (topics, records).
  REST_PROXY_BAD_REQUEST: entry(
    'rest-proxy',
    40002,
    400,
    'A REST Proxy request has a field of the wrong type, a missing field, or a value out of range.',
    'Fix the field the message names; the body shapes are in docs/rest-api.md.',
  ),
  CLUSTER_NOT_FOUND: entry(
    'rest-proxy',
    40401,
    404,
    "The cluster id in the path is not this server's.",
    'Use the id GET /v3/clusters answers with.',
  ),
  REST_PROXY_SERVER_ERROR: entry(
    'rest-proxy',
    50001,
    500,
    'The server failed while serving a valid REST Proxy request.',
    "Read the message for the cause; if it points at no mistake of the request, it is Sluice's: report it.",
  ),

  // Kafka Connect's REST API (the embedded worker's port, 8083 by default, and `sluice connect`).
  CONNECT_BAD_REQUEST: entry(
    'connect',
    400,
    400,
    'A Connect REST request has a bad config or body, or asks a connector in the wrong state (offsets of a connector that is not STOPPED).',
    'Fix what the message names, or change the connector state first (PUT /connectors/NAME/stop before altering offsets).',
  ),
  CONNECT_NOT_FOUND: entry(
    'connect',
    404,
    404,
    'The connector, task or plugin named in the path does not exist on this Connect cluster.',
    'Check the name: GET /connectors and GET /connector-plugins list what exists.',
  ),
  CONNECT_CONFLICT: entry(
    'connect',
    409,
    409,
    'A connector of that name already exists, or the cluster is rebalancing.',
    'Pick another name or delete the existing connector; after a rebalance, retry.',
  ),
  CONNECT_SERVER_ERROR: entry(
    'connect',
    500,
    500,
    'The Connect worker failed while serving a valid request.',
    'Read the message for the cause; a connector class that cannot load names the plugin path to check.',
  ),

  // The Confluent-compatible Schema Registry (sluice.schema.registry.listeners, 8081 by default).
  REGISTRY_SUBJECT_NOT_FOUND: entry(
    'schema-registry',
    40401,
    404,
    'The subject named in the path has no schema (or only soft-deleted ones where live ones are asked for).',
    'Check the name: GET /subjects lists the subjects, GET /subjects?deleted=true the soft-deleted ones too.',
  ),
  REGISTRY_VERSION_NOT_FOUND: entry(
    'schema-registry',
    40402,
    404,
    'The subject has no version of that number.',
    'GET /subjects/{subject}/versions lists its versions.',
  ),
  REGISTRY_SCHEMA_NOT_FOUND: entry(
    'schema-registry',
    40403,
    404,
    'No schema has that id, or the schema looked up is not registered under the subject.',
    'Register the schema first (POST /subjects/{subject}/versions), or check the id the record carries.',
  ),
  REGISTRY_SUBJECT_SOFT_DELETED: entry(
    'schema-registry',
    40404,
    404,
    'The subject was soft-deleted already.',
    'Add ?permanent=true to delete it for good.',
  ),
  REGISTRY_SUBJECT_NOT_SOFT_DELETED: entry(
    'schema-registry',
    40405,
    404,
    'A permanent delete was asked of a subject that was not soft-deleted first.',
    'Delete it without permanent=true first, then with it.',
  ),
  REGISTRY_VERSION_SOFT_DELETED: entry(
    'schema-registry',
    40406,
    404,
    'The version was soft-deleted already.',
    'Add ?permanent=true to delete it for good.',
  ),
  REGISTRY_VERSION_NOT_SOFT_DELETED: entry(
    'schema-registry',
    40407,
    404,
    'A permanent delete was asked of a version that was not soft-deleted first.',
    'Delete it without permanent=true first, then with it.',
  ),
  REGISTRY_NO_SUBJECT_CONFIG: entry(
    'schema-registry',
    40408,
    404,
    'The subject has no compatibility level of its own; the global one applies.',
    'Add ?defaultToGlobal=true to get the level in force, or PUT /config/{subject} to set one.',
  ),
  REGISTRY_NO_SUBJECT_MODE: entry(
    'schema-registry',
    40409,
    404,
    'The subject has no mode of its own; the global one applies.',
    'Add ?defaultToGlobal=true to get the mode in force, or PUT /mode/{subject} to set one.',
  ),
  REGISTRY_INCOMPATIBLE: entry(
    'schema-registry',
    40901,
    409,
    "The schema breaks the subject's compatibility level against an earlier version.",
    'Change the schema as the message says (e.g. give an added field a default), or change the level with PUT /config/{subject}.',
  ),
  REGISTRY_INVALID_SCHEMA: entry(
    'schema-registry',
    42201,
    422,
    'The schema text does not parse as its schema type, or the type is not supported.',
    'Fix the schema the message names; the schema is a JSON string in the "schema" field.',
  ),
  REGISTRY_INVALID_VERSION: entry(
    'schema-registry',
    42202,
    422,
    'The version in the path is not a number from 1 to 2^31-1, "latest" or -1.',
    'Use a version number GET /subjects/{subject}/versions lists, or latest.',
  ),
  REGISTRY_INVALID_COMPATIBILITY: entry(
    'schema-registry',
    42203,
    422,
    'The compatibility level is not one the registry knows.',
    'Use none, backward, forward, full, backward_transitive, forward_transitive or full_transitive.',
  ),
  REGISTRY_INVALID_MODE: entry(
    'schema-registry',
    42204,
    422,
    'The mode is not one the registry knows.',
    'Use READWRITE, READONLY, READONLY_OVERRIDE or IMPORT.',
  ),
  REGISTRY_OPERATION_NOT_PERMITTED: entry(
    'schema-registry',
    42205,
    422,
    "The subject's mode does not allow the operation: a write in READONLY, an id given outside IMPORT, IMPORT over existing schemas.",
    'Change the mode with PUT /mode or PUT /mode/{subject} (IMPORT over existing schemas needs ?force=true).',
  ),
  REGISTRY_REFERENCE_EXISTS: entry(
    'schema-registry',
    42206,
    422,
    'Another schema references the version being deleted.',
    'Delete the referencing schemas first (GET /subjects/{subject}/versions/{version}/referencedby lists them).',
  ),
  REGISTRY_ID_DOES_NOT_MATCH: entry(
    'schema-registry',
    42207,
    422,
    'In IMPORT mode, the id given is held by another schema, or the schema is registered under another id.',
    'Import each schema under the id it had in the registry it comes from.',
  ),
  REGISTRY_STORE_ERROR: entry(
    'schema-registry',
    50001,
    500,
    'The registry could not write its _schemas topic, or a request body was not what the registry expects.',
    'Read the message for the cause; a full disk or a closed log stops registrations until fixed.',
  ),

  // The log (embedded or Apache Kafka): met by the topic tools, REST Proxy and statements.
  UNKNOWN_TOPIC: entry(
    'log',
    40403,
    404,
    'The topic does not exist.',
    'Create it first (sluice topic create NAME, or a CREATE STREAM … WITH (PARTITIONS=…)) or check the name: sluice topic list.',
  ),
  TOPIC_EXISTS: entry(
    'log',
    40002,
    400,
    'A topic of that name already exists.',
    'Use the existing topic, pick another name, or delete it first (sluice topic delete NAME).',
  ),
  INVALID_TOPIC: entry(
    'log',
    40002,
    400,
    'The topic name is not valid: empty, longer than 249 characters, `.` or `..`, or outside [a-zA-Z0-9._-].',
    'Rename it within those rules.',
  ),
  INVALID_PARTITION: entry(
    'log',
    40002,
    400,
    'The partition number or count is out of range for the topic.',
    'Use a partition from 0 to the count minus one (sluice topic describe NAME shows the count).',
  ),
  INVALID_CONFIG: entry(
    'log',
    40002,
    400,
    'A topic config is unknown or its value is invalid.',
    'Fix the config the message names; docs/log.md lists the topic configs Sluice honours.',
  ),
  INTERNAL_TOPIC: entry(
    'log',
    40301,
    403,
    "The topic is internal (the command topic, Connect's config, offset and status topics, `__`-prefixed topics): requests may not delete, write or reconfigure it, and only admins may read it when authentication is on.",
    'Leave internal topics to the server; to change what they hold use statements or the Connect API.',
  ),
  OFFSET_OUT_OF_RANGE: entry(
    'log',
    40002,
    400,
    'The offset asked for is before the first record kept or after the last.',
    'Read from an offset between the partition start and end (sluice topic describe NAME shows them), or from the beginning or end.',
  ),
  CORRUPT_RECORD: entry(
    'log',
    50001,
    500,
    'A record batch on disk fails its checksum.',
    'The data dir was damaged outside Sluice (a disk fault, a half-copied file). Other partitions are unaffected; read from the offset the message gives to skip the damaged segment, or restore the partition from a backup.',
  ),
  DISK_FULL: entry(
    'log',
    50001,
    500,
    'The disk of the data dir is full.',
    'Free space or move sluice.data.dir to a larger disk; lower retention (retention.ms, retention.bytes) to keep less.',
  ),
  DATA_DIR_LOCKED: entry(
    'log',
    50001,
    500,
    'Another process holds the data dir (its lock names the pid).',
    'Stop that process (sluice server stop --data-dir DIR), or use another --data-dir.',
  ),
  LOG_CLOSED: entry(
    'log',
    50001,
    500,
    'The log was used after it closed (the server is stopping).',
    'Retry against the restarted server.',
  ),
  INVALID_RECORD: entry(
    'log',
    40002,
    400,
    'A record cannot be written as it is (for example a null key on a compacted topic).',
    'Fix the record the message names; nothing of that append was written.',
  ),
  RECORD_TOO_LARGE: entry(
    'log',
    40002,
    400,
    "A record is larger than the topic's max.message.bytes.",
    'Send smaller records or raise the topic config max.message.bytes.',
  ),
  PRODUCER_FENCED: entry(
    'log',
    50001,
    500,
    'A newer producer with the same transactional id took over.',
    'Stop the older producer; only one may write with a transactional id.',
  ),
  GROUP_NOT_EMPTY: entry(
    'log',
    40900,
    409,
    'The consumer group still has active members, so its committed offsets cannot be deleted.',
    "Stop the group's consumers (or wait for their session to time out), then delete the group or its offsets again.",
  ),
  UNSUPPORTED: entry(
    'log',
    50001,
    500,
    'The log does not do that yet.',
    'The message says what is missing and what works instead.',
  ),
  IO_ERROR: entry(
    'log',
    50001,
    500,
    'Reading or writing the data dir (or the remote log) failed.',
    'Read the cause in the message: permissions, a missing mount, or a server that went away.',
  ),
  UNAVAILABLE: entry(
    'log',
    50001,
    500,
    "The log's server cannot be reached; retrying can succeed.",
    'Check that the server at the URL is running; clients retry with backoff.',
  ),

  // Configuration: properties files, KSQL_* environment variables and flags, checked at start.
  INVALID_VALUE: entry(
    'config',
    40000,
    400,
    'A property has a value of the wrong type or out of its range.',
    'Fix the value the message names; it says which values the property takes.',
  ),
  MISSING_VALUE: entry(
    'config',
    40000,
    400,
    'A property that has no default is needed and was not set.',
    'Set it in the properties file, as a `KSQL_*` environment variable or a flag.',
  ),
  UNKNOWN_PROPERTY: entry(
    'config',
    40000,
    400,
    'A property name is not one Sluice knows (the message suggests the nearest known name).',
    'Fix the spelling; properties of other tools go under their prefix (`ksql.streams.*`, `connect.*`).',
  ),
  NOT_SUPPORTED: entry(
    'config',
    40000,
    400,
    'A property is known but Sluice does not support values other than its default yet.',
    'Leave it at its default; the message says what Sluice does instead.',
  ),
  WRONG_TYPE_ACCESS: entry(
    'config',
    50000,
    500,
    'Code read a property as another type than it is declared with (a bug in Sluice).',
    'Report it with the property name.',
  ),
  PROPERTIES_SYNTAX: entry(
    'config',
    40000,
    400,
    'A properties file has a line that is not key=value (or key: value).',
    'Fix the line the message names.',
  ),
  FILE_UNREADABLE: entry(
    'config',
    40000,
    400,
    'A file named in the configuration cannot be read.',
    'Check the path and its permissions.',
  ),
} as const satisfies Record<string, ErrorEntry>;

/** A catalogue name: what SluiceError.code holds. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export function isErrorCode(name: string): name is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, name);
}
