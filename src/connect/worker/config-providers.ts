// Kafka's config providers (KIP-297) for connector configs: a value may hold `${provider:path:key}`
// references that the worker resolves when a connector or task starts. The stored config keeps the
// references, so the secrets they point at never reach the config topic or an answer.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { parseProperties } from '../../config/index.js';

const FILE_PROVIDER = 'org.apache.kafka.common.config.provider.FileConfigProvider';
const DIRECTORY_PROVIDER = 'org.apache.kafka.common.config.provider.DirectoryConfigProvider';
const ENV_PROVIDER = 'org.apache.kafka.common.config.provider.EnvVarConfigProvider';

/** Kafka's ConfigTransformer pattern: `${provider:key}` or `${provider:path:key}`. */
const PLACEHOLDER = /\$\{([^}]*?):(?:([^}]*?):)?([^}]*?)\}/g;

export interface Placeholder {
  readonly text: string;
  readonly provider: string;
  readonly path: string;
  readonly key: string;
}

/** The `${…}` references in a value, in order. */
export function placeholdersIn(value: string): Placeholder[] {
  return [...value.matchAll(PLACEHOLDER)].map((m) => ({
    text: m[0],
    provider: m[1],
    path: m[2] ?? '',
    key: m[3],
  }));
}

export function hasPlaceholder(value: string | null | undefined): boolean {
  return typeof value === 'string' && placeholdersIn(value).length > 0;
}

/** Whether the value is nothing but references (so showing it shows no secret). */
export function isOnlyPlaceholders(value: string): boolean {
  return hasPlaceholder(value) && value.replace(PLACEHOLDER, '').trim() === '';
}

/** One provider: looks up a key at a path, or throws an Error that says why it cannot. */
interface ConfigProvider {
  get(path: string, key: string): string;
}

/** A path must lie under one of `allowed.paths` when that is set (Kafka 3.8, KIP-993). */
function checkAllowedPath(path: string, allowed: readonly string[], setting: string): void {
  if (allowed.length === 0) return;
  let real: string;
  try {
    real = realpathSync(resolve(path));
  } catch {
    real = resolve(path);
  }
  if (!allowed.some((a) => real === a || real.startsWith(a.endsWith(sep) ? a : a + sep)))
    throw new Error(`${path} is outside the paths that ${setting}=${allowed.join(',')} allows`);
}

function allowedPaths(params: Readonly<Record<string, string>>): string[] {
  return (params['allowed.paths'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return realpathSync(resolve(p));
      } catch {
        return resolve(p);
      }
    });
}

function readable(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT' ? `the file ${path} does not exist` : `the file ${path} cannot be read (${code})`,
    );
  }
}

/** FileConfigProvider: the path is a .properties file, the key one of its keys. */
function fileProvider(params: Readonly<Record<string, string>>, name: string): ConfigProvider {
  const allowed = allowedPaths(params);
  return {
    get(path, key) {
      if (path === '') throw new Error(`give the properties file's path: \${${name}:/path/to/file:${key}}`);
      checkAllowedPath(path, allowed, `config.providers.${name}.param.allowed.paths`);
      const entry = parseProperties(readable(path), path).entries.get(key);
      if (entry === undefined) throw new Error(`the file ${path} has no key ${key}`);
      return entry.value;
    },
  };
}

/** DirectoryConfigProvider: the path is a directory, the key a file in it whose text is the value. */
function directoryProvider(params: Readonly<Record<string, string>>, name: string): ConfigProvider {
  const allowed = allowedPaths(params);
  return {
    get(path, key) {
      if (path === '') throw new Error(`give the directory: \${${name}:/path/to/dir:${key}}`);
      checkAllowedPath(path, allowed, `config.providers.${name}.param.allowed.paths`);
      let isDir = false;
      try {
        isDir = statSync(path).isDirectory();
      } catch {
        throw new Error(`the directory ${path} does not exist`);
      }
      if (!isDir) throw new Error(`${path} is not a directory`);
      // Only plain files directly in the directory, as Kafka's provider reads them.
      if (key.includes('/') || key.includes(sep) || key === '.' || key === '..')
        throw new Error(`${key} is not a file name in ${path}`);
      const file = join(path, key);
      if (!readdirSync(path).includes(key) || !statSync(file).isFile())
        throw new Error(`the directory ${path} has no file ${key}`);
      return readable(file);
    },
  };
}

/** EnvVarConfigProvider: the key is an environment variable allowed by `allowlist.pattern`. */
function envProvider(
  params: Readonly<Record<string, string>>,
  name: string,
  env: Readonly<Record<string, string | undefined>>,
): ConfigProvider {
  const source = params['allowlist.pattern'] ?? '.*';
  const setting = `config.providers.${name}.param.allowlist.pattern`;
  let allow: RegExp;
  try {
    allow = new RegExp(`^(?:${source})$`);
  } catch (err) {
    throw new Error(
      `The worker setting ${setting}=${source} is not a regular expression: ${(err as Error).message}`,
    );
  }
  return {
    get(path, key) {
      if (path !== '') throw new Error(`environment variables have no path: write \${${name}:${key}}`);
      if (!allow.test(key))
        throw new Error(`the environment variable ${key} is not allowed by ${setting}=${source}`);
      const value = env[key];
      if (value === undefined) throw new Error(`the environment variable ${key} is not set`);
      return value;
    },
  };
}

export interface PlaceholderProblem {
  readonly key: string;
  readonly placeholder: string;
  readonly message: string;
}

/** The providers a worker declares with `config.providers` and `config.providers.<name>.class`. */
export class ConfigProviders {
  private readonly providers: ReadonlyMap<string, ConfigProvider>;

  private constructor(providers: ReadonlyMap<string, ConfigProvider>) {
    this.providers = providers;
  }

  /** Reads the worker's declarations; an unknown class or a provider without one stops the start. */
  static fromWorkerProperties(
    props: Readonly<Record<string, string>>,
    env: Readonly<Record<string, string | undefined>> = process.env,
  ): ConfigProviders {
    const names = (props['config.providers'] ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
    const providers = new Map<string, ConfigProvider>();
    for (const name of names) {
      const classKey = `config.providers.${name}.class`;
      const className = props[classKey];
      const prefix = `config.providers.${name}.param.`;
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(props))
        if (k.startsWith(prefix)) params[k.slice(prefix.length)] = v;
      const simple = className?.split('.').pop();
      if (className === undefined)
        throw new Error(
          `The worker setting config.providers names ${name}, but ${classKey} is not set: set it to ${FILE_PROVIDER}, ${DIRECTORY_PROVIDER} or ${ENV_PROVIDER}.`,
        );
      if (simple === 'FileConfigProvider') providers.set(name, fileProvider(params, name));
      else if (simple === 'DirectoryConfigProvider') providers.set(name, directoryProvider(params, name));
      else if (simple === 'EnvVarConfigProvider') providers.set(name, envProvider(params, name, env));
      else
        throw new Error(
          `The worker setting ${classKey}=${className} names a config provider Sluice does not have: use ${FILE_PROVIDER}, ${DIRECTORY_PROVIDER} or ${ENV_PROVIDER}.`,
        );
    }
    return new ConfigProviders(providers);
  }

  /**
   * The config with every reference replaced by what it points at, and what could not be resolved
   * (an undeclared provider, a missing file, key or variable), each naming its key and reference.
   */
  resolve(config: Readonly<Record<string, string>>): {
    resolved: Record<string, string>;
    problems: PlaceholderProblem[];
  } {
    const resolved: Record<string, string> = {};
    const problems: PlaceholderProblem[] = [];
    for (const [key, value] of Object.entries(config)) {
      if (typeof value !== 'string' || !hasPlaceholder(value)) {
        resolved[key] = value;
        continue;
      }
      resolved[key] = value.replace(
        PLACEHOLDER,
        (text, provider: string, path: string | undefined, k: string) => {
          const p = this.providers.get(provider);
          if (p === undefined) {
            const declared = [...this.providers.keys()];
            problems.push({
              key,
              placeholder: text,
              message:
                declared.length === 0
                  ? `no config provider ${provider} is declared: the worker declares none (config.providers)`
                  : `no config provider ${provider} is declared: the worker's config.providers are ${declared.join(', ')}`,
            });
            return text;
          }
          try {
            return p.get(path ?? '', k);
          } catch (err) {
            problems.push({ key, placeholder: text, message: (err as Error).message });
            return text;
          }
        },
      );
    }
    return { resolved, problems };
  }

  /** The resolved config, or an Error listing every reference that could not be resolved. */
  resolveOrThrow(config: Readonly<Record<string, string>>): Record<string, string> {
    const { resolved, problems } = this.resolve(config);
    if (problems.length > 0) throw new Error(problems.map(describeProblem).join('; '));
    return resolved;
  }
}

export function describeProblem(p: PlaceholderProblem): string {
  return `Cannot resolve ${p.placeholder} in ${p.key}: ${p.message}`;
}

/**
 * A connector's task configs with resolved secrets put back as the references they came from (Kafka's
 * AbstractHerder.reverseTransform): a value equal to a resolved connector value whose raw form held a
 * reference is stored as that raw form, so task configs in the config topic carry no secret either.
 */
export function withPlaceholdersRestored(
  raw: Readonly<Record<string, string>>,
  resolved: Readonly<Record<string, string>>,
  taskConfig: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = { ...taskConfig };
  for (const [key, value] of Object.entries(taskConfig)) {
    const rawValue = raw[key];
    if (rawValue !== undefined && hasPlaceholder(rawValue) && resolved[key] === value) out[key] = rawValue;
  }
  return out;
}
