import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { PluginPackageError } from './plugin-package-error.js';

/** A connector class a package says it provides (Confluent Hub's manifest lists component types). */
export interface DeclaredConnector {
  readonly className: string;
  readonly type: 'source' | 'sink';
}

/** The `sluice` field of a connector package's package.json, with the package's name and version. */
export interface PluginManifest {
  readonly name: string;
  readonly version: string;
  /** The entry module, relative to the package folder; it exports `plugins: ConnectorPlugin[]`. */
  readonly main: string;
  readonly connectors: readonly DeclaredConnector[];
}

// npm's rules for names, minus the legacy upper-case ones: a name is also the install folder.
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const CLASS_NAME = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function declaredConnector(entry: unknown, at: number, problems: string[]): DeclaredConnector | undefined {
  const where = `sluice.connectors[${at}]`;
  if (!isRecord(entry)) {
    problems.push(`${where} must be an object like { "class": "com.example.MySource", "type": "source" }`);
    return undefined;
  }
  const className = entry.class;
  const type = entry.type;
  if (typeof className !== 'string' || !CLASS_NAME.test(className))
    problems.push(`${where}.class must be a class name like "com.example.MySourceConnector"`);
  if (type !== 'source' && type !== 'sink') problems.push(`${where}.type must be "source" or "sink"`);
  if (typeof className !== 'string' || (type !== 'source' && type !== 'sink')) return undefined;
  return { className, type };
}

/** The entry: `sluice.main`, else the package's `main`, else index.js; it must stay inside the package. */
function entryOf(pkg: Record<string, unknown>, sluice: Record<string, unknown>, problems: string[]): string {
  const main = sluice.main ?? pkg.main ?? 'index.js';
  if (typeof main !== 'string' || main === '') {
    problems.push('sluice.main must be a path inside the package, like "dist/index.js"');
    return '';
  }
  const path = normalize(main);
  if (isAbsolute(path) || path.startsWith('..'))
    problems.push(`sluice.main "${main}" points outside the package`);
  return path;
}

/** Checks a parsed package.json; throws a PluginPackageError listing every problem. */
export function parsePluginManifest(pkg: unknown): PluginManifest {
  if (!isRecord(pkg)) throw new PluginPackageError('package.json is not a JSON object');
  const problems: string[] = [];
  const { name, version, sluice } = pkg;
  if (typeof name !== 'string' || !PACKAGE_NAME.test(name))
    problems.push('"name" must be an npm package name (lower case, optionally @scope/)');
  if (typeof version !== 'string' || version === '') problems.push('"version" must be a string');
  if (!isRecord(sluice)) {
    problems.push('there is no "sluice" field declaring the connectors (see docs/connector-packages.md)');
    throw new PluginPackageError(`not a Sluice connector package: ${problems.join('; ')}`);
  }
  const main = entryOf(pkg, sluice, problems);
  const connectors: DeclaredConnector[] = [];
  if (!Array.isArray(sluice.connectors) || sluice.connectors.length === 0) {
    problems.push('sluice.connectors must list at least one connector class');
  } else {
    sluice.connectors.forEach((entry, at) => {
      const declared = declaredConnector(entry, at, problems);
      if (declared === undefined) return;
      if (connectors.some((c) => c.className === declared.className))
        problems.push(`sluice.connectors declares ${declared.className} twice`);
      else connectors.push(declared);
    });
  }
  if (problems.length > 0) throw new PluginPackageError(`bad manifest: ${problems.join('; ')}`);
  return { name: name as string, version: version as string, main, connectors };
}

/** Reads and checks `<packageDir>/package.json`, and that the entry it names exists. */
export function readPluginManifest(packageDir: string): PluginManifest {
  const file = join(packageDir, 'package.json');
  if (!existsSync(file)) throw new PluginPackageError('no package.json');
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PluginPackageError(`package.json is not valid JSON: ${(err as Error).message}`);
  }
  const manifest = parsePluginManifest(pkg);
  if (!existsSync(join(packageDir, manifest.main)))
    throw new PluginPackageError(`the entry module ${manifest.main} does not exist (is the package built?)`);
  return manifest;
}
