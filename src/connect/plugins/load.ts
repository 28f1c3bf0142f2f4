import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConnectorPlugin } from '../api/index.js';
import { provideConnectApiToPlugins } from './connect-api-for-plugins.js';
import { type BrokenPluginPackage, type DiscoveredPackage, discoverPluginPackages } from './discover.js';
import type { PluginManifest } from './manifest.js';
import { PluginPackageError } from './plugin-package-error.js';

export interface LoadedPluginPackage {
  readonly dir: string;
  readonly manifest: PluginManifest;
  readonly plugins: readonly ConnectorPlugin[];
}

/** What a worker got from its plugin.path: packages to register, and the ones it skipped. */
export interface PluginLoadReport {
  readonly loaded: LoadedPluginPackage[];
  readonly broken: BrokenPluginPackage[];
}

function isConnectorPlugin(value: unknown): value is ConnectorPlugin {
  const p = value as Partial<ConnectorPlugin> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.className === 'string' &&
    (p.type === 'source' || p.type === 'sink') &&
    typeof p.version === 'string' &&
    typeof p.create === 'function'
  );
}

/** `plugins` as a named export, or on the default export (a CommonJS entry). */
function exportedPlugins(module: Record<string, unknown>): unknown {
  const fromDefault = (module.default as { plugins?: unknown } | undefined)?.plugins;
  return module.plugins ?? fromDefault;
}

/** The module must provide exactly the classes the manifest declares, with the declared types. */
function checkAgainstManifest(manifest: PluginManifest, plugins: readonly ConnectorPlugin[]): void {
  const problems: string[] = [];
  for (const declared of manifest.connectors) {
    const provided = plugins.find((p) => p.className === declared.className);
    if (provided === undefined)
      problems.push(`declares ${declared.className} but the module does not provide it`);
    else if (provided.type !== declared.type)
      problems.push(
        `declares ${declared.className} as ${declared.type} but the module provides a ${provided.type}`,
      );
  }
  for (const p of plugins)
    if (!manifest.connectors.some((c) => c.className === p.className))
      problems.push(`the module provides ${p.className}, which package.json does not declare`);
  if (problems.length > 0) throw new PluginPackageError(problems.join('; '));
}

/**
 * Imports one package's entry by file URL, so its own node_modules resolve (each package brings its
 * own dependencies), and checks it against its manifest. Throws a PluginPackageError.
 */
export async function loadPluginPackage(pkg: DiscoveredPackage): Promise<LoadedPluginPackage> {
  provideConnectApiToPlugins();
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(join(pkg.dir, pkg.manifest.main)).href);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new PluginPackageError(`importing ${pkg.manifest.main} failed: ${message}`);
  }
  const plugins = exportedPlugins(module);
  if (!Array.isArray(plugins))
    throw new PluginPackageError(
      `${pkg.manifest.main} does not export "plugins" (an array of ConnectorPlugin)`,
    );
  const bad = plugins.findIndex((p) => !isConnectorPlugin(p));
  if (bad >= 0)
    throw new PluginPackageError(
      `plugins[${bad}] is not a ConnectorPlugin ({ className, type: 'source' | 'sink', version, create })`,
    );
  checkAgainstManifest(pkg.manifest, plugins);
  return { dir: pkg.dir, manifest: pkg.manifest, plugins };
}

/**
 * Every connector.class value that finds this class (full name, simple name, simple name without
 * "Connector", as the plugin registry looks them up): a package class named like any of these
 * would shadow a built-in.
 */
export function namesFinding(className: string): string[] {
  const simple = className.slice(className.lastIndexOf('.') + 1);
  return [...new Set([className, simple, simple.replace(/Connector$/, '')])];
}

function reasonOf(err: unknown): string {
  if (err instanceof PluginPackageError) return err.message;
  return `loading failed: ${err instanceof Error ? err.message : String(err)}`;
}

/** Another package, or the built-ins, already owning one of this package's classes. */
function clash(pkg: DiscoveredPackage, owners: ReadonlyMap<string, string>): string | undefined {
  for (const { className } of pkg.manifest.connectors) {
    const owner = owners.get(className);
    if (owner !== undefined)
      return `${className} is already provided by ${owner}; a package may not replace it`;
  }
  return undefined;
}

/**
 * Discovers and loads every package on a plugin path, in folder order. A broken package, or one
 * whose class is taken (by a reserved, i.e. built-in, class or an earlier package), is reported and
 * skipped; the rest still load.
 */
export async function loadPluginPackages(
  pluginPath: readonly string[],
  options: { readonly reservedClassNames?: Iterable<string> } = {},
): Promise<PluginLoadReport> {
  const found = discoverPluginPackages(pluginPath);
  const report: PluginLoadReport = { loaded: [], broken: [...found.broken] };
  const owners = new Map<string, string>();
  for (const name of options.reservedClassNames ?? [])
    for (const alias of namesFinding(name)) owners.set(alias, 'a built-in connector');
  for (const pkg of found.packages) {
    const name = pkg.manifest.name;
    const taken = clash(pkg, owners);
    if (taken !== undefined) {
      report.broken.push({ dir: pkg.dir, name, reason: taken });
      continue;
    }
    try {
      const loaded = await loadPluginPackage(pkg);
      for (const p of loaded.plugins) owners.set(p.className, `package ${name} (${pkg.dir})`);
      report.loaded.push(loaded);
    } catch (err) {
      // Whatever a package does wrong (even a getter that throws), it must not stop the others.
      report.broken.push({ dir: pkg.dir, name, reason: reasonOf(err) });
    }
  }
  return report;
}
