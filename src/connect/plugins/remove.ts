import { rmSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { discoverPluginPackages } from './discover.js';
import { PluginInstallError } from './plugin-install-error.js';

/** The folder's name under its plugin.path entry (`@scope/name` for scoped ones). */
function folderName(pluginDir: string, dir: string): string {
  return relative(pluginDir, dir).split(sep).join('/');
}

/**
 * Removes the package called `name` (by its package.json name, or by folder name for a broken
 * one) from every plugin.path directory holding it; returns the folders removed.
 */
export function removePluginPackage(pluginPath: readonly string[], name: string): string[] {
  const removed: string[] = [];
  for (const pluginDir of pluginPath.map((p) => resolve(p))) {
    const found = discoverPluginPackages([pluginDir]);
    const dirs = [
      ...found.packages.filter((p) => p.manifest.name === name).map((p) => p.dir),
      ...found.broken
        .filter((b) => b.dir !== pluginDir && folderName(pluginDir, b.dir) === name)
        .map((b) => b.dir),
    ];
    // A plugin.path entry that is itself a package folder is the user's own folder: never delete it.
    for (const dir of dirs.filter((d) => d !== pluginDir)) {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  }
  if (removed.length === 0)
    throw new PluginInstallError(`No connector package named ${name} in ${pluginPath.join(', ')}.`);
  return removed;
}
