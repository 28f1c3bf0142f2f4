import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SERVER_PROPERTIES } from './definitions.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/** Every non-test source file outside src/config/, where properties are declared rather than read. */
function readerSources(dir: string, out: string[] = [], except: readonly string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== join(SRC, 'config')) readerSources(path, out, except);
    } else if (
      entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.test.ts') &&
      !entry.name.includes('.fixture.') &&
      !except.includes(path)
    ) {
      out.push(readFileSync(path, 'utf8'));
    }
  }
  return out;
}

test('every declared property is read by the code, or refused at start as not supported yet', () => {
  const sources = readerSources(SRC).join('\n');
  const ignored = SERVER_PROPERTIES.filter(
    (d) => d.notSupported === undefined && !sources.includes(`'${d.name}'`),
  ).map((d) => d.name);
  assert.deepEqual(ignored, [], 'accepted but never read: implement them or declare notSupported');
});

test('a property marked not supported is read nowhere: drop the mark once it is implemented', () => {
  // bootstrap.servers is also a Connect worker key, which 'sluice connect' reads for itself. The
  // Schema Registry client's settings are Confluent's client keys (ssl.truststore.password, …) with
  // their prefix (ksql.schema.registry., a converter's) already removed: not the server's own keys.
  const sources = readerSources(SRC, [], [join(SRC, 'registry', 'client-settings.ts')]).join('\n');
  const read = SERVER_PROPERTIES.filter(
    (d) => d.notSupported !== undefined && d.name !== 'bootstrap.servers' && sources.includes(`'${d.name}'`),
  ).map((d) => d.name);
  assert.deepEqual(read, []);
});
