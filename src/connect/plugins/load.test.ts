import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigDef } from '../api/index.js';
import { discoverPluginPackages } from './discover.js';
import {
  COUNTER_CLASS,
  examplePackageJson,
  removeTempDirs,
  tempDir,
  writeExamplePackage,
  writePackage,
  writeRenamedExample,
} from './example-package.fixture.js';
import { loadPluginPackages } from './load.js';

after(removeTempDirs);

function reasons(report: { broken: readonly { name: string; reason: string }[] }): Record<string, string> {
  return Object.fromEntries(report.broken.map((b) => [b.name, b.reason]));
}

test('discovery finds plain and scoped package folders and skips hidden folders and node_modules', () => {
  const dir = tempDir();
  writeExamplePackage(dir, 'counter');
  writeRenamedExample(join(dir, '@acme'), 'ticker', 'com.acme.TickerSourceConnector');
  writeExamplePackage(join(dir, '.installing-x'), 'half-done');
  writeExamplePackage(join(dir, 'node_modules'), 'shared');
  writeFileSync(join(dir, 'README.txt'), 'not a package');
  const found = discoverPluginPackages([dir]);
  assert.deepEqual(
    found.packages.map((p) => p.dir),
    [join(dir, '@acme', 'ticker'), join(dir, 'counter')],
  );
  assert.deepEqual(found.broken, []);
});

test('a plugin.path entry that is itself a package folder is loaded as that one package', () => {
  const pkg = writeExamplePackage(tempDir());
  assert.deepEqual(
    discoverPluginPackages([pkg]).packages.map((p) => p.manifest.name),
    ['sluice-counter-source'],
  );
});

test('a missing plugin.path directory is reported, not fatal', () => {
  const missing = join(tempDir(), 'nope');
  assert.deepEqual(discoverPluginPackages([missing]).broken, [
    { dir: missing, name: missing, reason: 'the plugin.path directory does not exist' },
  ]);
});

test('a package imports the api as sluice/connect-api and gets the worker’s own api module', async () => {
  const dir = tempDir();
  writeExamplePackage(dir);
  const report = await loadPluginPackages([dir]);
  assert.deepEqual(report.broken, []);
  const [pkg] = report.loaded;
  assert.equal(pkg.manifest.name, 'sluice-counter-source');
  assert.deepEqual(
    pkg.plugins.map((p) => [p.className, p.type, p.version]),
    [[COUNTER_CLASS, 'source', '1.0.0']],
  );
  // No sluice in the package's node_modules, yet the very same ConfigDef class: one api instance.
  assert.ok(pkg.plugins[0].create().config() instanceof ConfigDef);
});

test('each package resolves its own dependencies from its own node_modules', async () => {
  const dir = tempDir();
  for (const [name, className, depVersion] of [
    ['pkg-a', 'com.a.ASourceConnector', '1.0.0'],
    ['pkg-b', 'com.b.BSourceConnector', '2.0.0'],
  ]) {
    writePackage(
      join(dir, name),
      {
        name,
        version: '1.0.0',
        type: 'module',
        sluice: { connectors: [{ class: className, type: 'source' }] },
      },
      {
        'index.js': `import { version } from 'shared-dep';
export const plugins = [{ className: '${className}', type: 'source', version, create: () => ({}) }];
`,
        'node_modules/shared-dep/package.json': JSON.stringify({
          name: 'shared-dep',
          version: depVersion,
          type: 'module',
          exports: './index.js',
        }),
        'node_modules/shared-dep/index.js': `export const version = '${depVersion}';\n`,
      },
    );
  }
  const report = await loadPluginPackages([dir]);
  assert.deepEqual(
    report.loaded.map((p) => [p.manifest.name, p.plugins[0].version]),
    [
      ['pkg-a', '1.0.0'],
      ['pkg-b', '2.0.0'],
    ],
  );
});

test('broken packages are reported with their folder and reason and skipped while the good one loads', async () => {
  const dir = tempDir();
  writeExamplePackage(dir, 'good');
  const declared = (className: string) => ({ connectors: [{ class: className, type: 'source' }] });
  writePackage(join(dir, 'no-manifest'), { name: 'no-manifest', version: '1.0.0' }, { 'index.js': '' });
  writePackage(
    join(dir, 'no-entry'),
    { name: 'no-entry', version: '1.0.0', sluice: declared('com.x.A') },
    {},
  );
  writePackage(
    join(dir, 'throws'),
    { name: 'throws', version: '1.0.0', type: 'module', sluice: declared('com.x.B') },
    { 'index.js': "throw new Error('cannot reach the database driver');\n" },
  );
  writePackage(
    join(dir, 'no-plugins'),
    { name: 'no-plugins', version: '1.0.0', type: 'module', sluice: declared('com.x.C') },
    { 'index.js': 'export const connectors = [];\n' },
  );
  writeRenamedExample(dir, 'mismatch', 'com.x.Undeclared');
  writePackage(
    join(dir, 'mismatch'),
    { ...examplePackageJson(), name: 'mismatch', sluice: declared('com.x.D') },
    {},
  );
  mkdirSync(join(dir, 'not-json'));
  writeFileSync(join(dir, 'not-json', 'package.json'), '{ nope');

  const report = await loadPluginPackages([dir]);
  assert.deepEqual(
    report.loaded.map((p) => p.manifest.name),
    ['sluice-counter-source'],
  );
  const why = reasons(report);
  assert.match(why['no-manifest'], /no "sluice" field/);
  assert.match(why['no-entry'], /the entry module index\.js does not exist/);
  assert.match(why.throws, /importing index\.js failed: cannot reach the database driver/);
  assert.match(why['no-plugins'], /does not export "plugins"/);
  assert.match(why.mismatch, /declares com\.x\.D but the module does not provide it/);
  assert.match(why.mismatch, /provides com\.x\.Undeclared, which package\.json does not declare/);
  assert.match(why['not-json'], /package\.json is not valid JSON/);
  assert.equal(report.broken.find((b) => b.name === 'throws')?.dir, join(dir, 'throws'));
});

test('a package may not take a built-in class, by any name that finds it, nor one an earlier package provides', async () => {
  const dir = tempDir();
  writeRenamedExample(dir, 'a-first', 'com.x.TickerSourceConnector');
  writeRenamedExample(dir, 'b-second', 'com.x.TickerSourceConnector');
  writeRenamedExample(dir, 'c-builtin', 'FileStreamSource');
  const report = await loadPluginPackages([dir], {
    reservedClassNames: ['org.apache.kafka.connect.file.FileStreamSourceConnector'],
  });
  assert.deepEqual(
    report.loaded.map((p) => p.manifest.name),
    ['a-first'],
  );
  const why = reasons(report);
  assert.match(why['b-second'], /com\.x\.TickerSourceConnector is already provided by package a-first/);
  assert.match(why['c-builtin'], /FileStreamSource is already provided by a built-in connector/);
});
