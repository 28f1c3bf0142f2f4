import { existsSync } from 'node:fs';
import { DEFAULT_PLUGIN_PATH, defaultPluginPath } from '../../connect/plugins/index.js';
import { usageError } from '../cli-error.js';

export const PLUGIN_PATH_OPTIONS = {
  'plugin-path': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const PLUGIN_PATH_HELP = `  --plugin-path DIR  The plugin directory, as the worker's plugin.path (comma-separated for several)
                     (default: $SLUICE_PLUGIN_PATH, else ${DEFAULT_PLUGIN_PATH})`;

/** --plugin-path, else $SLUICE_PLUGIN_PATH, else ./sluice-plugins; split at commas like plugin.path. */
export function resolvePluginPath(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  command: string,
): string[] {
  const dirs =
    flag === undefined
      ? defaultPluginPath(env)
      : flag
          .split(',')
          .map((d) => d.trim())
          .filter((d) => d !== '');
  if (dirs.length === 0) throw usageError('--plugin-path must name a directory.', command);
  return dirs;
}

/** Only the directories that exist: a plugin path nobody installed into yet simply holds nothing. */
export function existingDirs(dirs: readonly string[]): string[] {
  return dirs.filter((d) => existsSync(d));
}

/** The built-in connectors' classes, which no package may take; loaded on demand (they pull in faker). */
export async function builtinClassNames(): Promise<string[]> {
  const { builtinConnectors } = await import('../../connectors/index.js');
  return builtinConnectors.map((c) => c.className);
}
