import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePluginManifest } from './manifest.js';
import { PluginPackageError } from './plugin-package-error.js';

const valid = {
  name: '@acme/jdbc-source',
  version: '2.1.0',
  main: 'lib/main.js',
  sluice: { connectors: [{ class: 'com.acme.JdbcSourceConnector', type: 'source' }] },
};

test('a manifest takes its name and version from package.json and its entry from main', () => {
  assert.deepEqual(parsePluginManifest(valid), {
    name: '@acme/jdbc-source',
    version: '2.1.0',
    main: 'lib/main.js',
    connectors: [{ className: 'com.acme.JdbcSourceConnector', type: 'source' }],
  });
});

test('sluice.main wins over the package main, and index.js is the last resort', () => {
  assert.equal(
    parsePluginManifest({ ...valid, sluice: { ...valid.sluice, main: 'dist/x.js' } }).main,
    'dist/x.js',
  );
  assert.equal(parsePluginManifest({ ...valid, main: undefined }).main, 'index.js');
});

test('a package.json without a sluice field is not a connector package', () => {
  assert.throws(
    () => parsePluginManifest({ name: 'left-pad', version: '1.0.0' }),
    (err: unknown) => err instanceof PluginPackageError && /no "sluice" field/.test(err.message),
  );
});

test('every manifest problem is listed in one error', () => {
  assert.throws(
    () =>
      parsePluginManifest({
        name: 'Bad Name',
        version: 3,
        sluice: {
          main: '../outside.js',
          connectors: [
            { class: 'com.x.A', type: 'source' },
            { class: 'com.x.A', type: 'source' },
            { type: 'both' },
          ],
        },
      }),
    (err: unknown) => {
      const message = (err as Error).message;
      for (const expected of [
        /"name" must be an npm package name/,
        /"version" must be a string/,
        /points outside the package/,
        /declares com\.x\.A twice/,
        /sluice\.connectors\[2\]\.class must be a class name/,
        /sluice\.connectors\[2\]\.type must be "source" or "sink"/,
      ])
        assert.match(message, expected);
      return true;
    },
  );
});

test('a manifest must declare at least one connector', () => {
  assert.throws(
    () => parsePluginManifest({ ...valid, sluice: { connectors: [] } }),
    /at least one connector/,
  );
});
