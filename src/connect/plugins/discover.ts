import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type PluginManifest, readPluginManifest } from './manifest.js';
import { PluginPackageError } from './plugin-package-error.js';

/** A package folder with a valid manifest, not yet imported. */
export interface DiscoveredPackage {
  readonly dir: string;
  readonly manifest: PluginManifest;
}

/** A package (or plugin.path entry) that was skipped, and why. */
export interface BrokenPluginPackage {
  readonly dir: string;
  /** The package name when the manifest says it, else the folder's name (`@scope/name` for scoped ones). */
  readonly name: string;
  readonly reason: string;
}

export interface PluginDiscovery {
  readonly packages: DiscoveredPackage[];
  readonly broken: BrokenPluginPackage[];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory(); // follows symlinks, so linked packages count
  } catch {
    return false;
  }
}

/** Sub-folders worth a look: not hidden (install's staging folders) and not a shared node_modules. */
function childFolders(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && n !== 'node_modules' && isDirectory(join(dir, n)))
    .sort();
}

/** `<dir>/<name>` and `<dir>/@scope/<name>` folders, as npm lays packages out. */
function packageFolders(dir: string): { dir: string; name: string }[] {
  return childFolders(dir).flatMap((n) =>
    n.startsWith('@')
      ? childFolders(join(dir, n)).map((m) => ({ dir: join(dir, n, m), name: `${n}/${m}` }))
      : [{ dir: join(dir, n), name: n }],
  );
}

function examine(folder: { dir: string; name: string }, into: PluginDiscovery): void {
  try {
    into.packages.push({ dir: folder.dir, manifest: readPluginManifest(folder.dir) });
  } catch (err) {
    // An unreadable package.json (permissions) is as broken as an invalid one.
    const reason = err instanceof PluginPackageError ? err.message : (err as Error).message;
    into.broken.push({ dir: folder.dir, name: folder.name, reason });
  }
}

/**
 * Finds connector packages in each plugin.path entry: its sub-folders (npm layout), or the entry
 * itself when it is one package's folder (handy while developing one). Reads manifests only.
 */
export function discoverPluginPackages(pluginPath: readonly string[]): PluginDiscovery {
  const found: PluginDiscovery = { packages: [], broken: [] };
  for (const entry of pluginPath.map((p) => resolve(p))) {
    if (!isDirectory(entry)) {
      found.broken.push({ dir: entry, name: entry, reason: 'the plugin.path directory does not exist' });
    } else if (existsSync(join(entry, 'package.json'))) {
      examine({ dir: entry, name: entry }, found);
    } else {
      for (const folder of packageFolders(entry)) examine(folder, found);
    }
  }
  return found;
}
