/**
 * Environment variables → properties, the way ksqlDB's Docker image renders them
 * (confluent-docker-utils `dub` `env_to_props`): strip the prefix, lower-case, then a lone `_`
 * becomes `.`, `___` becomes `-` and `__` becomes `_`.
 */

export type Environment = Readonly<Record<string, string | undefined>>;

export const SERVER_ENV_PREFIX = 'KSQL_';
export const CONNECT_ENV_PREFIX = 'KSQL_CONNECT_';

/**
 * Variables with the KSQL_ prefix that configure the launcher in ksqlDB's image (JVM options,
 * log4j, classpath), never the server; mapping them would invent keys such as `heap.opts`.
 */
export const LAUNCHER_ENV_VARS: ReadonlySet<string> = new Set([
  'KSQL_OPTS',
  'KSQL_HEAP_OPTS',
  'KSQL_JVM_PERFORMANCE_OPTS',
  'KSQL_JMX_OPTS',
  'KSQL_JMX_PORT',
  'KSQL_JMX_HOSTNAME',
  'KSQL_LOG4J_OPTS',
  'KSQL_LOG4J_ROOT_LOGLEVEL',
  'KSQL_LOG4J_LOGGERS',
  'KSQL_CLASSPATH',
]);

/** Maps the part after the prefix to a property name: `KSQL_SERVICE_ID` → `ksql.service.id`. */
export function envSuffixToPropertyName(suffix: string): string {
  // Lone underscores first, so the runs of two and three left over can be told apart.
  return suffix
    .toLowerCase()
    .replace(/(?<!_)_(?!_)/g, '.')
    .replaceAll('___', '-')
    .replaceAll('__', '_');
}

/** The inverse: the variable that sets a server property (`ksql.service.id` → `KSQL_KSQL_SERVICE_ID`). */
export function envVarForServerProperty(name: string): string {
  return SERVER_ENV_PREFIX + propertyNameToEnvSuffix(name);
}

/** The variable that sets a Connect worker property (`group.id` → `KSQL_CONNECT_GROUP_ID`). */
export function envVarForConnectProperty(name: string): string {
  return CONNECT_ENV_PREFIX + propertyNameToEnvSuffix(name);
}

function propertyNameToEnvSuffix(name: string): string {
  return name.replaceAll('_', '__').replaceAll('-', '___').replaceAll('.', '_').toUpperCase();
}

export interface EnvProperty {
  readonly value: string;
  /** The variable it came from, named in error messages. */
  readonly envVar: string;
}

export interface EnvironmentProperties {
  /** Server properties from KSQL_* (not KSQL_CONNECT_*). */
  readonly server: ReadonlyMap<string, EnvProperty>;
  /** Connect worker properties from KSQL_CONNECT_*. */
  readonly connectWorker: ReadonlyMap<string, EnvProperty>;
  /** True when any KSQL_CONNECT_* variable is set: the server then runs an embedded worker. */
  readonly embeddedConnect: boolean;
  /** `-Dkey=value` entries of KSQL_OPTS, which outrank the other variables as in ksqlDB. */
  readonly javaOptions: ReadonlyMap<string, EnvProperty>;
}

/** Splits a JVM option string on blanks, honouring single and double quotes. */
function splitJavaOptions(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)) {
    tokens.push(match[0].replace(/"([^"]*)"|'([^']*)'/g, (_, dq, sq) => dq ?? sq));
  }
  return tokens;
}

/** `-Dname=value` system properties from a JVM option string such as KSQL_OPTS. */
export function javaSystemProperties(options: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const token of splitJavaOptions(options)) {
    if (!token.startsWith('-D') || token.length <= 2) continue;
    const eq = token.indexOf('=');
    const name = eq === -1 ? token.slice(2) : token.slice(2, eq);
    if (name !== '') result.set(name, eq === -1 ? '' : token.slice(eq + 1));
  }
  return result;
}

export function propertiesFromEnvironment(env: Environment): EnvironmentProperties {
  const server = new Map<string, EnvProperty>();
  const connectWorker = new Map<string, EnvProperty>();
  const javaOptions = new Map<string, EnvProperty>();
  let embeddedConnect = false;

  // Sorted so that two variables mapping to one key resolve the same way on every run.
  for (const envVar of Object.keys(env).sort()) {
    const value = env[envVar];
    if (value === undefined) continue;
    if (envVar === 'KSQL_OPTS') {
      for (const [name, v] of javaSystemProperties(value)) javaOptions.set(name, { value: v, envVar });
      continue;
    }
    if (LAUNCHER_ENV_VARS.has(envVar)) continue;
    if (envVar.startsWith(CONNECT_ENV_PREFIX)) {
      if (envVar.length === CONNECT_ENV_PREFIX.length) continue;
      embeddedConnect = true;
      const name = envSuffixToPropertyName(envVar.slice(CONNECT_ENV_PREFIX.length));
      connectWorker.set(name, { value, envVar });
    } else if (envVar.startsWith(SERVER_ENV_PREFIX) && envVar.length > SERVER_ENV_PREFIX.length) {
      const name = envSuffixToPropertyName(envVar.slice(SERVER_ENV_PREFIX.length));
      server.set(name, { value, envVar });
    }
  }
  return { server, connectWorker, embeddedConnect, javaOptions };
}
