// The real `sluice plugin` bin against package folders and tarballs built in temp dirs. Installing
// from the npm registry is not tested (no network in tests): it is `npm pack`, then the tarball path.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  COUNTER_CLASS,
  examplePackageJson,
  packTarball,
  removeTempDirs,
  tempDir,
  writeExamplePackage,
  writePackage,
  writeRenamedExample,
} from '../../connect/plugins/example-package.fixture.js';
import { runSluice } from '../run-sluice.fixture.js';

after(removeTempDirs);

/** npm stays offline and out of the developer's cache. */
function npmEnv(): Record<string, string> {
  return { npm_config_offline: 'true', npm_config_cache: join(tempDir('sluice-npm-cache-'), 'cache') };
}

function plugin(args: readonly string[], env: Record<string, string> = {}) {
  return runSluice(['plugin', ...args], { env: { ...npmEnv(), ...env } });
}

test('install from a folder puts the package in the plugin path, and list shows its version and classes', async () => {
  const pluginDir = join(tempDir(), 'plugins');
  const source = writeExamplePackage(tempDir());
  const install = await plugin(['install', source, '--plugin-path', pluginDir]);
  assert.equal(install.code, 0, install.stderr);
  assert.match(install.stdout, /^Installed sluice-counter-source 1\.0\.0 into .*sluice-counter-source\n/);
  assert.match(install.stdout, new RegExp(`  ${COUNTER_CLASS.replaceAll('.', '\\.')} \\(source\\)`));
  assert.match(install.stderr, /Restart the server with .* in plugin\.path/);
  assert.deepEqual(readdirSync(pluginDir), ['sluice-counter-source'], 'no staging folder left behind');

  const list = await plugin(['list', '--plugin-path', pluginDir]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^NAME +VERSION +CONNECTORS\n/);
  assert.match(
    list.stdout,
    new RegExp(`\nsluice-counter-source +1\\.0\\.0 +${COUNTER_CLASS.replaceAll('.', '\\.')} \\(source\\)\n$`),
  );
});

test('installing over an installed package is refused unless --force, which replaces it', async () => {
  const pluginDir = tempDir();
  const v1 = writeExamplePackage(tempDir());
  const v2 = writeExamplePackage(tempDir(), 'v2', { version: '2.0.0' });
  assert.equal((await plugin(['install', v1, '--plugin-path', pluginDir])).code, 0);

  const again = await plugin(['install', v2, '--plugin-path', pluginDir]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /sluice-counter-source is already installed \(version 1\.0\.0\).*Use --force/);

  const forced = await plugin(['install', v2, '--plugin-path', pluginDir, '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /Installed sluice-counter-source 2\.0\.0 \(replacing 1\.0\.0\)/);
  const installed = JSON.parse(
    readFileSync(join(pluginDir, 'sluice-counter-source', 'package.json'), 'utf8'),
  );
  assert.equal(installed.version, '2.0.0');
  assert.deepEqual(readdirSync(pluginDir), ['sluice-counter-source']);
});

test('install from a tarball puts a scoped package under its scope, with its dependencies installed by npm', async () => {
  const work = tempDir();
  const dependency = packTarball(
    writePackage(
      join(work, 'tiny-dep'),
      { name: 'tiny-dep', version: '1.2.3', type: 'module', main: 'index.js' },
      {
        'index.js': "export const greeting = 'hello from tiny-dep';\n",
      },
    ),
    join(work, 'tiny-dep-1.2.3.tgz'),
  );
  const source = writePackage(
    join(work, 'ticker'),
    {
      ...examplePackageJson(),
      name: '@acme/ticker',
      dependencies: { 'tiny-dep': `file:${dependency}` },
      sluice: { connectors: [{ class: 'com.acme.TickerSourceConnector', type: 'source' }] },
    },
    {
      'index.js': `import { greeting } from 'tiny-dep';
import { ConfigDef } from 'sluice/connect-api';
export const plugins = [{ className: 'com.acme.TickerSourceConnector', type: 'source', version: greeting,
  create: () => ({ kind: 'source', config: () => new ConfigDef() }) }];
`,
    },
  );
  const tarball = packTarball(source, join(work, 'acme-ticker-1.0.0.tgz'));
  const pluginDir = tempDir();
  const install = await plugin(['install', tarball, '--plugin-path', pluginDir]);
  assert.equal(install.code, 0, install.stderr);
  assert.match(install.stderr, /Installing the dependencies of @acme\/ticker with npm/);
  assert.ok(existsSync(join(pluginDir, '@acme', 'ticker', 'node_modules', 'tiny-dep', 'index.js')));

  const list = await plugin(['list', '--plugin-path', pluginDir]);
  assert.match(list.stdout, /^@acme\/ticker {2}1\.0\.0 +com\.acme\.TickerSourceConnector \(source\)$/m);
});

test('the plugin path defaults to $SLUICE_PLUGIN_PATH', async () => {
  const pluginDir = tempDir();
  const install = await plugin(['install', writeExamplePackage(tempDir())], {
    SLUICE_PLUGIN_PATH: pluginDir,
  });
  assert.equal(install.code, 0, install.stderr);
  assert.ok(existsSync(join(pluginDir, 'sluice-counter-source', 'index.js')));
});

test('a folder that is not a connector package is refused with the reason and leaves nothing behind', async () => {
  const pluginDir = tempDir();
  const source = writePackage(join(tempDir(), 'left-pad'), { name: 'left-pad', version: '1.0.0' }, {});
  const run = await plugin(['install', source, '--plugin-path', pluginDir]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^sluice: This is not a Sluice connector package: .*no "sluice" field/);
  assert.deepEqual(readdirSync(pluginDir), []);
});

test('a package that does not load, or takes a built-in class, is refused at install', async () => {
  const pluginDir = tempDir();
  const throws = writeExamplePackage(tempDir());
  writeFileSync(join(throws, 'index.js'), "throw new Error('boom at import');\n");
  const run = await plugin(['install', throws, '--plugin-path', pluginDir]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /sluice-counter-source does not load: importing index\.js failed: boom at import/);

  const imposter = writeRenamedExample(tempDir(), 'imposter', 'FileStreamSourceConnector');
  const clash = await plugin(['install', imposter, '--plugin-path', pluginDir]);
  assert.equal(clash.code, 1);
  assert.match(
    clash.stderr,
    /imposter declares FileStreamSourceConnector, which a built-in connector already provides/,
  );
  assert.deepEqual(readdirSync(pluginDir), []);
});

test('a missing folder or tarball is reported without asking npm', async () => {
  const run = await plugin(['install', './no-such-connector-1.0.0.tgz', '--plugin-path', tempDir()]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /There is no folder or tarball at \.\/no-such-connector-1\.0\.0\.tgz/);
});

test('list shows broken packages with the reason, and remove deletes packages by name', async () => {
  const pluginDir = tempDir();
  writeExamplePackage(pluginDir);
  writePackage(
    join(pluginDir, 'half-built'),
    { ...examplePackageJson(), name: 'half-built', main: 'dist/x.js' },
    {},
  );
  const list = await plugin(['list', '--plugin-path', pluginDir]);
  assert.equal(list.code, 0);
  assert.match(
    list.stdout,
    /^half-built +- +BROKEN .*half-built: the entry module dist\/x\.js does not exist/m,
  );
  assert.match(list.stdout, /^sluice-counter-source +1\.0\.0/m);

  for (const name of ['sluice-counter-source', 'half-built']) {
    const removed = await plugin(['remove', name, '--plugin-path', pluginDir]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, new RegExp(`^Removed ${name} \\(`));
  }
  assert.deepEqual(readdirSync(pluginDir), []);

  const gone = await plugin(['remove', 'sluice-counter-source', '--plugin-path', pluginDir]);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /No connector package named sluice-counter-source in /);
});

test('list of a plugin path nobody installed into yet shows the built-in connectors and says so', async () => {
  const run = await plugin(['list', '--plugin-path', join(tempDir(), 'not-yet')]);
  assert.equal(run.code, 0);
  assert.match(
    run.stdout,
    /^\(built in\) +0\.3\.0 +io\.mdrogalis\.voluble\.VolubleSourceConnector \(source\)$/m,
  );
  assert.match(run.stdout, /^\(built in\) +\S+ +io\.confluent\.connect\.jdbc\.JdbcSinkConnector \(sink\)$/m);
  assert.match(run.stderr, /No connector packages in .*not-yet/);
});

test('install takes Confluent Hub coordinates: a built-in connector needs nothing, a Java one is explained', async () => {
  const pluginDir = join(tempDir(), 'plugins');
  const voluble = await plugin([
    'install',
    '--no-prompt',
    'mdrogalis/voluble:0.3.0',
    '--plugin-path',
    pluginDir,
  ]);
  assert.equal(voluble.code, 0, voluble.stderr);
  assert.match(voluble.stdout, /^Voluble 0\.3\.0 is built in; nothing to install\.\n/);
  assert.ok(!existsSync(pluginDir), 'nothing was installed');
  const jdbc = await plugin([
    'install',
    'confluentinc/kafka-connect-jdbc:10.7.4',
    '--plugin-path',
    pluginDir,
  ]);
  assert.equal(jdbc.code, 0, jdbc.stderr);
  assert.match(jdbc.stdout, /are built in; nothing to install \(10\.7\.4 was asked for/);
  const s3 = await plugin([
    'install',
    '--no-prompt',
    'confluentinc/kafka-connect-s3:10.5.0',
    '--plugin-path',
    pluginDir,
  ]);
  assert.equal(s3.code, 1);
  assert.match(
    s3.stderr,
    /confluentinc\/kafka-connect-s3 is a Confluent Hub connector, a Java plugin that Sluice cannot install or run/,
  );
  assert.match(s3.stderr, /Built into Sluice: mdrogalis\/voluble \(Voluble\)/);
  assert.match(s3.stderr, /sluice plugin install <npm-package/);
});

test("install shows npm's own error when npm cannot fetch a package", async () => {
  // Offline with an empty cache: npm fails at once, and says why.
  const run = await plugin(['install', 'sluice-no-such-package-xyz@1.0.0', '--plugin-path', tempDir()]);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /'npm pack sluice-no-such-package-xyz@1\.0\.0 --pack-destination .*' failed:\n {2}npm error/,
  );
});

test('plugin commands called wrongly exit 2 and point at the usage', async () => {
  const cases: [string[], RegExp][] = [
    [['install'], /Missing <package>\.\nRun 'sluice plugin install --help'/],
    [['uninstall', 'x'], /Unknown plugin command 'uninstall'\. Commands: install, list, remove/],
    [['list', '--colour'], /Unknown option '--colour' for 'sluice plugin list'/],
    [['remove'], /Missing <package-name>/],
    [[], /Missing the plugin command/],
  ];
  for (const [args, expected] of cases) {
    const run = await plugin(args);
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, expected);
  }
  const help = await plugin(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: sluice plugin <command>/);
});
