// Test support: connector package folders and tarballs in temp dirs, built from the example in
// docs/connector-packages.md, so the documented package is the one the tests install and run.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const COUNTER_CLASS = 'com.example.CounterSourceConnector';

/** From dist/src/connect/plugins/ up to the repository root. */
const DOC = new URL('../../../../docs/connector-packages.md', import.meta.url);

/** The fenced block whose info string is `<lang> <file>`, e.g. "js index.js". */
function docBlock(info: string): string {
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(`\`\`\`${info}\n`);
  if (start < 0) throw new Error(`docs/connector-packages.md has no \`\`\`${info} block`);
  const from = start + info.length + 4;
  return doc.slice(from, doc.indexOf('\n```', from) + 1);
}

export type PackageJson = Record<string, unknown>;

export function examplePackageJson(): PackageJson {
  return JSON.parse(docBlock('json package.json')) as PackageJson;
}

export function exampleIndexJs(): string {
  return docBlock('js index.js');
}

/** Writes a package folder: package.json plus files by relative path; returns the folder. */
export function writePackage(dir: string, pkg: PackageJson, files: Readonly<Record<string, string>>): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The documented counter package, optionally renamed or with other classes, in `<parent>/<folder>`. */
export function writeExamplePackage(
  parent: string,
  folder = 'sluice-counter-source',
  changes: PackageJson = {},
): string {
  return writePackage(
    join(parent, folder),
    { ...examplePackageJson(), ...changes },
    { 'index.js': exampleIndexJs() },
  );
}

/** The example package providing `className` instead of the counter's class (manifest and module both). */
export function writeRenamedExample(parent: string, name: string, className: string): string {
  return writePackage(
    join(parent, name),
    { ...examplePackageJson(), name, sluice: { connectors: [{ class: className, type: 'source' }] } },
    { 'index.js': exampleIndexJs().replace(`className: '${COUNTER_CLASS}'`, `className: '${className}'`) },
  );
}

/** A .tgz laid out as npm pack lays it out (one `package/` folder). */
export function packTarball(packageDir: string, tarball: string): string {
  const work = mkdtempSync(join(tmpdir(), 'sluice-pack-'));
  try {
    cpSync(packageDir, join(work, 'package'), { recursive: true });
    execFileSync('tar', ['-czf', tarball, '-C', work, 'package']);
    return tarball;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const dirs: string[] = [];

export function tempDir(prefix = 'sluice-plugins-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
