import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { PluginInstallError } from './plugin-install-error.js';
import { runTool } from './run-tool.js';

export type PackageSource = 'folder' | 'tarball' | 'npm';

const TARBALL = /\.(tgz|tar\.gz)$/i;

/** A spec is a path when it exists or looks like one; anything else goes to npm (`name`, `name@1.2`, `@scope/name`). */
export function sourceOf(spec: string): PackageSource {
  if (existsSync(spec)) return statSync(spec).isDirectory() ? 'folder' : 'tarball';
  const looksLikePath =
    isAbsolute(spec) || /^\.\.?[\\/]/.test(spec) || spec.startsWith('~') || TARBALL.test(spec);
  if (looksLikePath) throw new PluginInstallError(`There is no folder or tarball at ${spec}.`);
  return 'npm';
}

/** npm's tarballs hold one `package/` folder; others (GitHub's) one folder of another name, or none. */
function packageRootIn(dir: string, tarball: string): string {
  if (existsSync(join(dir, 'package.json'))) return dir;
  const entries = readdirSync(dir);
  if (entries.length === 1 && existsSync(join(dir, entries[0], 'package.json'))) return join(dir, entries[0]);
  throw new PluginInstallError(
    `${basename(tarball)} holds no package: expected a package.json at its root or in its one top folder.`,
  );
}

async function unpackTarball(tarball: string, into: string): Promise<string> {
  if (!TARBALL.test(tarball)) throw new PluginInstallError(`${tarball} is a file but not a .tgz tarball.`);
  const dir = join(into, 'unpacked');
  mkdirSync(dir);
  await runTool('tar', ['-xzf', resolve(tarball), '-C', dir], into);
  return packageRootIn(dir, tarball);
}

/** `npm pack` fetches a registry (or git) spec as the tarball npm itself would install. */
async function packFromNpm(spec: string, into: string): Promise<string> {
  const dir = join(into, 'packed');
  mkdirSync(dir);
  // Not --silent: it would swallow npm's own error (a 404, a bad version), which the user must see.
  await runTool('npm', ['pack', spec, '--pack-destination', dir], into);
  const tarball = readdirSync(dir).find((n) => TARBALL.test(n));
  if (tarball === undefined) throw new PluginInstallError(`'npm pack ${spec}' produced no tarball.`);
  return unpackTarball(join(dir, tarball), into);
}

/** Copies, unpacks or fetches a package into `staging` and returns its folder there. */
export async function fetchPackage(spec: string, source: PackageSource, staging: string): Promise<string> {
  if (source === 'tarball') return unpackTarball(spec, staging);
  if (source === 'npm') return packFromNpm(spec, staging);
  const copy = join(staging, 'copied');
  // A package's own node_modules come along (they are its dependencies); version control does not.
  cpSync(resolve(spec), copy, { recursive: true, filter: (src) => basename(src) !== '.git' });
  return copy;
}
