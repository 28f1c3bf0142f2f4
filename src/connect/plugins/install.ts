import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { discoverPluginPackages } from './discover.js';
import { fetchPackage, type PackageSource, sourceOf } from './fetch-package.js';
import { type LoadedPluginPackage, loadPluginPackage, namesFinding } from './load.js';
import { type PluginManifest, readPluginManifest } from './manifest.js';
import { PluginInstallError } from './plugin-install-error.js';
import { PluginPackageError } from './plugin-package-error.js';
import { runTool } from './run-tool.js';

export interface InstallRequest {
  /** A folder, a .tgz tarball, or an npm spec (`name`, `name@version`, `@scope/name`). */
  readonly spec: string;
  /** The plugin.path directory to install into (created when missing). */
  readonly pluginDir: string;
  /** Replace an installed package of the same name. */
  readonly force?: boolean;
  /** Class names the package may not take (the built-in connectors'). */
  readonly reservedClassNames?: Iterable<string>;
  /** Progress lines (npm install is slow); none by default. */
  readonly progress?: (line: string) => void;
}

export interface InstalledPluginPackage extends LoadedPluginPackage {
  readonly source: PackageSource;
  /** The version this install replaced (with force), if any. */
  readonly replacedVersion: string | undefined;
}

function manifestOf(dir: string): PluginManifest {
  try {
    return readPluginManifest(dir);
  } catch (err) {
    if (err instanceof PluginPackageError)
      throw new PluginInstallError(`This is not a Sluice connector package: ${err.message}.`);
    throw err;
  }
}

function installedVersion(dir: string): string {
  try {
    return (
      (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version ?? '?'
    );
  } catch {
    return '?';
  }
}

function refuseOverwrite(target: string, manifest: PluginManifest): void {
  throw new PluginInstallError(
    `${manifest.name} is already installed (version ${installedVersion(target)}) at ${target}. ` +
      'Use --force to replace it, or remove it first.',
  );
}

function hasDependencies(dir: string): boolean {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: unknown };
  return (
    typeof pkg.dependencies === 'object' &&
    pkg.dependencies !== null &&
    Object.keys(pkg.dependencies).length > 0
  );
}

/** Classes the package must not take: reserved ones and those of the other installed packages. */
function takenClasses(request: InstallRequest, manifest: PluginManifest): Map<string, string> {
  const taken = new Map<string, string>();
  for (const name of request.reservedClassNames ?? [])
    for (const alias of namesFinding(name)) taken.set(alias, 'a built-in connector');
  for (const other of discoverPluginPackages([request.pluginDir]).packages) {
    if (other.manifest.name === manifest.name) continue;
    for (const c of other.manifest.connectors)
      taken.set(c.className, `the installed package ${other.manifest.name}`);
  }
  return taken;
}

async function verify(
  dir: string,
  manifest: PluginManifest,
  request: InstallRequest,
): Promise<LoadedPluginPackage> {
  const taken = takenClasses(request, manifest);
  for (const c of manifest.connectors) {
    const owner = taken.get(c.className);
    if (owner !== undefined)
      throw new PluginInstallError(
        `${manifest.name} declares ${c.className}, which ${owner} already provides.`,
      );
  }
  try {
    return await loadPluginPackage({ dir, manifest });
  } catch (err) {
    throw new PluginInstallError(`${manifest.name} does not load: ${(err as Error).message}.`);
  }
}

/**
 * Installs a connector package into `<pluginDir>/<name>`: fetched into a hidden staging folder
 * there (which discovery skips), its production dependencies installed, loaded once to prove it
 * works, then renamed into place, so a failed install leaves the plugin path as it was.
 */
export async function installPluginPackage(request: InstallRequest): Promise<InstalledPluginPackage> {
  const source = sourceOf(request.spec);
  const pluginDir = resolve(request.pluginDir);
  mkdirSync(pluginDir, { recursive: true });
  const staging = mkdtempSync(join(pluginDir, '.installing-'));
  try {
    const dir = await fetchPackage(request.spec, source, staging);
    const manifest = manifestOf(dir);
    const target = join(pluginDir, manifest.name);
    if (existsSync(target) && request.force !== true) refuseOverwrite(target, manifest);
    if (hasDependencies(dir) && !existsSync(join(dir, 'node_modules'))) {
      request.progress?.(`Installing the dependencies of ${manifest.name} with npm…`);
      // Peers are left alone: sluice is the package's peer and the worker provides it. (--omit=peer
      // would still look sluice up in the registry, which fails offline.)
      const args = [
        'install',
        '--omit=dev',
        '--legacy-peer-deps',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
      ];
      await runTool('npm', args, dir);
    }
    const loaded = await verify(dir, manifest, request);
    let replacedVersion: string | undefined;
    if (existsSync(target)) {
      replacedVersion = installedVersion(target);
      renameSync(target, join(staging, 'replaced'));
    }
    mkdirSync(dirname(target), { recursive: true });
    renameSync(dir, target);
    return { ...loaded, dir: target, source, replacedVersion };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
