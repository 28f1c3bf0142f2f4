import { existsSync } from 'node:fs';

/** Where `sluice plugin install` puts packages, and where a worker looks when plugin.path is unset. */
export const DEFAULT_PLUGIN_PATH = './sluice-plugins';

/** $SLUICE_PLUGIN_PATH, else ./sluice-plugins, split at commas like plugin.path. */
export function defaultPluginPath(env: Readonly<Record<string, string | undefined>>): string[] {
  return (env.SLUICE_PLUGIN_PATH ?? DEFAULT_PLUGIN_PATH)
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
}

/**
 * The plugin.path a worker uses: the configured one (a missing folder there is reported), else the
 * default folders that exist — a default nobody installed into yet is not an error.
 */
export function effectivePluginPath(
  configured: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  if (configured.length > 0) return [...configured];
  return defaultPluginPath(env).filter((d) => existsSync(d));
}
