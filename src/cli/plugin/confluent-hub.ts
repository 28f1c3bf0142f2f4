// Confluent Hub coordinates (`owner/name[:version]`, as `confluent-hub install` takes them) for the
// connectors Sluice has built in, so a guide's install step works as written.

export interface HubCoordinates {
  readonly owner: string;
  readonly name: string;
  readonly version: string | undefined;
}

interface BuiltinHubConnector {
  readonly coordinates: string;
  readonly title: string;
  readonly classNames: readonly string[];
}

export const BUILTIN_HUB_CONNECTORS: readonly BuiltinHubConnector[] = [
  {
    coordinates: 'mdrogalis/voluble',
    title: 'Voluble',
    classNames: ['io.mdrogalis.voluble.VolubleSourceConnector'],
  },
  {
    coordinates: 'confluentinc/kafka-connect-datagen',
    title: 'Datagen',
    classNames: ['io.confluent.kafka.connect.datagen.DatagenConnector'],
  },
  {
    coordinates: 'confluentinc/kafka-connect-jdbc',
    title: 'The JDBC connectors (for PostgreSQL)',
    classNames: [
      'io.confluent.connect.jdbc.JdbcSourceConnector',
      'io.confluent.connect.jdbc.JdbcSinkConnector',
    ],
  },
  {
    coordinates: 'debezium/debezium-connector-postgresql',
    title: 'Debezium PostgreSQL',
    classNames: ['io.debezium.connector.postgresql.PostgresConnector'],
  },
];

const COORDINATES = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)(?::([A-Za-z0-9_.-]+))?$/;

/** `owner/name[:version]`, or undefined for anything else (an npm name, `@scope/name`, a path). */
export function parseHubCoordinates(spec: string): HubCoordinates | undefined {
  const m = COORDINATES.exec(spec);
  if (m === null || m[1].startsWith('.')) return undefined;
  return { owner: m[1], name: m[2], version: m[3] };
}

/** The answer to `plugin install owner/name[:version]`: built in (success), or what to do instead. */
export function answerHubInstall(
  hub: HubCoordinates,
  versionOf: (className: string) => string | undefined,
): { ok: boolean; message: string } {
  const coordinates = `${hub.owner}/${hub.name}`.toLowerCase();
  const builtin = BUILTIN_HUB_CONNECTORS.find((c) => c.coordinates === coordinates);
  if (builtin !== undefined) {
    const version = versionOf(builtin.classNames[0]) ?? '';
    const asked =
      hub.version !== undefined && hub.version !== 'latest' && hub.version !== version
        ? ` (${hub.version} was asked for: the built-in version is the one there is)`
        : '';
    const verb = builtin.classNames.length > 1 ? 'are' : 'is';
    return {
      ok: true,
      message: `${builtin.title} ${version} ${verb} built in; nothing to install${asked}.\nUse ${builtin.classNames.join(' or ')} in CREATE … CONNECTOR.`,
    };
  }
  const list = BUILTIN_HUB_CONNECTORS.map((c) => `${c.coordinates} (${c.title})`).join(', ');
  return {
    ok: false,
    message: `${hub.owner}/${hub.name} is a Confluent Hub connector, a Java plugin that Sluice cannot install or run.
Built into Sluice: ${list}, and Kafka's FileStream connectors.
Sluice installs connector packages for Node.js instead: sluice plugin install <npm-package | tarball.tgz | folder>.
A Java connector runs on a Kafka Connect cluster: point ksql.connect.url at it.`,
  };
}
