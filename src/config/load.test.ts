import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from './errors.js';
import { loadServerConfig } from './load.js';
import { Password } from './password.js';
import { parseProperties } from './properties-file.js';

const file = (text: string) => parseProperties(text, 'server.properties');

function assertConfigError(
  fn: () => unknown,
  expected: { code: string; key: string; includes: string[] },
): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.code, expected.code);
    assert.equal(error.key, expected.key);
    for (const part of expected.includes)
      assert.ok(error.message.includes(part), `'${part}' not in: ${error.message}`);
    return true;
  });
}

describe('loadServerConfig defaults', () => {
  test('gives every property its default when nothing is set', () => {
    const config = loadServerConfig();
    assert.deepEqual(config.getList('listeners'), ['http://0.0.0.0:8088']);
    assert.equal(config.getString('sluice.data.dir'), './sluice-data');
    assert.equal(config.getNumber('sluice.log.flush.interval.ms'), 1000);
    assert.equal(config.getString('sluice.log.durability'), 'interval');
    assert.equal(config.getNumber('sluice.log.retention.check.interval.ms'), 300000);
    assert.equal(config.getString('ksql.service.id'), 'default_');
    assert.equal(config.getString('ksql.streams.auto.offset.reset'), 'latest');
    assert.equal(config.getString('ksql.connect.url'), 'http://localhost:8083');
    assert.equal(config.getBoolean('ksql.query.pull.table.scan.enabled'), true);
    assert.equal(config.source('listeners'), 'default');
    assert.equal(config.isSetByUser('listeners'), false);
    assert.deepEqual(config.warnings, []);
    assert.equal(config.embeddedConnect, false);
  });

  test('leaves properties without a default unset', () => {
    const config = loadServerConfig();
    assert.equal(config.has('ksql.schema.registry.url'), false);
    assert.equal(config.getOptionalString('ksql.schema.registry.url'), undefined);
    assert.equal(config.getOptionalBoolean('ksql.persistence.wrap.single.values'), undefined);
    assert.equal(config.getOptionalPassword('ssl.keystore.password'), undefined);
  });

  test('derives the processing-log topic name from the service id', () => {
    assert.equal(
      loadServerConfig().getString('ksql.logging.processing.topic.name'),
      'default_ksql_processing_log',
    );
    const config = loadServerConfig({ env: { KSQL_KSQL_SERVICE_ID: 'orders-' } });
    assert.equal(config.getString('ksql.logging.processing.topic.name'), 'orders-ksql_processing_log');
  });

  test('an explicit processing-log topic name wins over the derived one', () => {
    const config = loadServerConfig({ file: file('ksql.logging.processing.topic.name=plog') });
    assert.equal(config.getString('ksql.logging.processing.topic.name'), 'plog');
  });
});

describe('loadServerConfig precedence', () => {
  test('a flag beats an env variable, which beats the file, which beats the default', () => {
    const config = loadServerConfig({
      file: file(
        'ksql.service.id=from_file_\nsluice.data.dir=/file\nsluice.log.flush.interval.ms=10\nlisteners=http://0.0.0.0:1',
      ),
      env: { KSQL_KSQL_SERVICE_ID: 'from_env_', KSQL_SLUICE_DATA_DIR: '/env' },
      flags: { 'ksql.service.id': 'from_flag_' },
    });
    assert.equal(config.getString('ksql.service.id'), 'from_flag_');
    assert.equal(config.source('ksql.service.id'), 'flag');
    assert.equal(config.getString('sluice.data.dir'), '/env');
    assert.equal(config.source('sluice.data.dir'), 'env');
    assert.equal(config.getNumber('sluice.log.flush.interval.ms'), 10);
    assert.equal(config.source('sluice.log.flush.interval.ms'), 'file');
    assert.equal(config.getString('sluice.log.durability'), 'interval');
    assert.equal(config.source('sluice.log.durability'), 'default');
  });

  test('reads the file from a path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-config-'));
    try {
      const path = join(dir, 'server.properties');
      writeFileSync(path, '# test\nsluice.log.durability = fsync\n');
      const config = loadServerConfig({ file: path });
      assert.equal(config.getString('sluice.log.durability'), 'fsync');
      assert.equal(
        config.entries().find((p) => p.name === 'sluice.log.durability')?.origin,
        `${path} line 2`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a -D option in KSQL_OPTS beats other variables but not a flag', () => {
    const env = {
      KSQL_OPTS: '-Dksql.service.id=opts_ -Dlog4j.configuration=file:x',
      KSQL_KSQL_SERVICE_ID: 'env_',
    };
    assert.equal(loadServerConfig({ env }).getString('ksql.service.id'), 'opts_');
    assert.equal(
      loadServerConfig({ env, flags: { 'ksql.service.id': 'flag_' } }).getString('ksql.service.id'),
      'flag_',
    );
    assert.equal(loadServerConfig({ env }).has('log4j.configuration'), false);
  });

  test('ignores flags whose value is undefined', () => {
    const config = loadServerConfig({
      env: { KSQL_SLUICE_DATA_DIR: '/env' },
      flags: { 'sluice.data.dir': undefined },
    });
    assert.equal(config.getString('sluice.data.dir'), '/env');
  });

  test('a bare Kafka Streams key counts as its ksql.streams. form, and the prefixed form wins in one source', () => {
    assert.equal(
      loadServerConfig({ file: file('auto.offset.reset=earliest') }).getString(
        'ksql.streams.auto.offset.reset',
      ),
      'earliest',
    );
    const both = file('ksql.streams.auto.offset.reset=earliest\nauto.offset.reset=none');
    assert.equal(loadServerConfig({ file: both }).getString('ksql.streams.auto.offset.reset'), 'earliest');
    const layered = loadServerConfig({
      file: file('ksql.streams.auto.offset.reset=none'),
      flags: { 'auto.offset.reset': 'earliest' },
    });
    assert.equal(layered.getString('ksql.streams.auto.offset.reset'), 'earliest');
  });
});

describe('loadServerConfig types and validation', () => {
  test('parses ints, longs, booleans and lists from text', () => {
    const config = loadServerConfig({
      file: file(
        'ksql.idle.connection.timeout.seconds= 8 \nsluice.log.flush.interval.ms=250\nksql.fail.on.production.error=FALSE\nlisteners=http://0.0.0.0:1, https://[::]:2',
      ),
    });
    assert.equal(config.getNumber('ksql.idle.connection.timeout.seconds'), 8);
    assert.equal(config.getNumber('sluice.log.flush.interval.ms'), 250);
    assert.equal(config.getBoolean('ksql.fail.on.production.error'), false);
    assert.deepEqual(config.getList('listeners'), ['http://0.0.0.0:1', 'https://[::]:2']);
  });

  test('accepts typed flag values', () => {
    const config = loadServerConfig({
      flags: {
        'sluice.log.flush.interval.ms': 5,
        'ksql.persistence.wrap.single.values': false,
        listeners: ['http://h:1'],
      },
    });
    assert.equal(config.getNumber('sluice.log.flush.interval.ms'), 5);
    assert.equal(config.getOptionalBoolean('ksql.persistence.wrap.single.values'), false);
    assert.deepEqual(config.getList('listeners'), ['http://h:1']);
  });

  test('a value of the wrong type names the key, the value, the expected type, where it came from and what to do', () => {
    assertConfigError(() => loadServerConfig({ env: { KSQL_SLUICE_LOG_FLUSH_INTERVAL_MS: '1s' } }), {
      code: 'INVALID_VALUE',
      key: 'sluice.log.flush.interval.ms',
      includes: [
        "'1s'",
        'expected a long',
        'environment variable KSQL_SLUICE_LOG_FLUSH_INTERVAL_MS',
        'default (1000)',
      ],
    });
  });

  test('a value outside the allowed set lists the valid values', () => {
    assertConfigError(() => loadServerConfig({ file: file('\n\nsluice.log.durability=sometimes') }), {
      code: 'INVALID_VALUE',
      key: 'sluice.log.durability',
      includes: ["'sometimes'", 'interval, fsync', 'server.properties line 3'],
    });
  });

  test('rejects booleans other than true and false', () => {
    assertConfigError(() => loadServerConfig({ flags: { 'ksql.fail.on.production.error': 'yes' } }), {
      code: 'INVALID_VALUE',
      key: 'ksql.fail.on.production.error',
      includes: ['expected a boolean', 'true or false', 'command-line flag'],
    });
  });

  test('rejects an int outside the 32-bit range and a fractional long', () => {
    assertConfigError(() => loadServerConfig({ flags: { 'ksql.internal.topic.replicas': '2147483648' } }), {
      code: 'INVALID_VALUE',
      key: 'ksql.internal.topic.replicas',
      includes: ['expected an int'],
    });
    assertConfigError(() => loadServerConfig({ flags: { 'sluice.log.flush.interval.ms': 1.5 } }), {
      code: 'INVALID_VALUE',
      key: 'sluice.log.flush.interval.ms',
      includes: ["'1.5'", 'expected a long'],
    });
  });

  test('rejects an empty value for a number, saying how to fall back to the default', () => {
    assertConfigError(() => loadServerConfig({ env: { KSQL_KSQL_STREAMS_NUM_STREAM_THREADS: '' } }), {
      code: 'INVALID_VALUE',
      key: 'ksql.streams.num.stream.threads',
      includes: ["''", 'remove it to use the default (4)'],
    });
  });

  test('rejects a listener without a port', () => {
    assertConfigError(() => loadServerConfig({ flags: { listeners: 'http://0.0.0.0' } }), {
      code: 'INVALID_VALUE',
      key: 'listeners',
      includes: ['must name a port'],
    });
  });

  test('keeps passwords in Password objects that print as [hidden]', () => {
    const config = loadServerConfig({ env: { KSQL_SSL_KEYSTORE_PASSWORD: 's3cret' } });
    const password = config.getOptionalPassword('ssl.keystore.password');
    assert.ok(password instanceof Password);
    assert.equal(password.reveal(), 's3cret');
    assert.equal(String(password), '[hidden]');
    assert.equal(JSON.stringify({ password }), '{"password":"[hidden]"}');
  });

  test('asking for a property with the wrong getter is reported as a programming error', () => {
    assertConfigError(() => loadServerConfig().getBoolean('sluice.data.dir'), {
      code: 'WRONG_TYPE_ACCESS',
      key: 'sluice.data.dir',
      includes: ['declared as STRING'],
    });
  });

  test('requiring a property that has no value says how to set it', () => {
    assertConfigError(() => loadServerConfig().getString('ksql.schema.registry.url'), {
      code: 'MISSING_VALUE',
      key: 'ksql.schema.registry.url',
      includes: ['no value'],
    });
  });
});

describe('loadServerConfig unknown keys', () => {
  test('an unknown sluice.* key is an error that suggests the likely name', () => {
    assertConfigError(() => loadServerConfig({ file: file('sluice.data.dri=/x') }), {
      code: 'UNKNOWN_PROPERTY',
      key: 'sluice.data.dri',
      includes: ["Did you mean 'sluice.data.dir'?", 'server.properties line 1'],
    });
  });

  test('undeclared ksql.streams.* and ksql.connect.* keys are kept with a warning that nothing reads them', () => {
    const config = loadServerConfig({
      file: file('ksql.streams.producer.compression.type=lz4\nksql.connect.ssl.keymanager.algorithm=SunX509'),
    });
    assert.equal(config.warnings.length, 2);
    for (const w of config.warnings) assert.match(w, /has no effect in Sluice/);
    assert.deepEqual(config.withPrefix('ksql.streams.'), {
      'auto.offset.reset': 'latest',
      'cache.max.bytes.buffering': '10000000',
      'commit.interval.ms': '2000',
      'metadata.max.age.ms': '30000',
      'num.stream.threads': '4',
      'processing.guarantee': 'at_least_once',
      'producer.compression.type': 'lz4',
    });
    assert.equal(config.get('ksql.connect.ssl.keymanager.algorithm'), 'SunX509');
  });

  test('other unknown keys are kept with a warning that suggests a close name', () => {
    const config = loadServerConfig({ env: { KSQL_KSQL_SERVCE_ID: 'x_', KSQL_COMPRESSION_TYPE: 'lz4' } });
    assert.equal(config.get('compression.type'), 'lz4');
    assert.equal(config.getString('ksql.service.id'), 'default_');
    assert.equal(config.warnings.length, 2);
    assert.ok(
      config.warnings.some(
        (w) => w.includes("'ksql.servce.id'") && w.includes("Did you mean 'ksql.service.id'?"),
      ),
    );
  });
});

describe('loadServerConfig refuses what Sluice would not enforce', () => {
  test('a property Sluice does not do yet is refused at start, naming it, the reason and where it was set', () => {
    assertConfigError(
      () => loadServerConfig({ file: file('ksql.properties.overrides.denylist=ksql.streams.x') }),
      {
        code: 'NOT_SUPPORTED',
        key: 'ksql.properties.overrides.denylist',
        includes: [
          'ksql.properties.overrides.denylist=ksql.streams.x is not supported yet',
          'server.properties line 1',
        ],
      },
    );
    assert.deepEqual(
      loadServerConfig({ env: { KSQL_BOOTSTRAP_SERVERS: 'kafka:9092,kafka2:9092' } }).getList(
        'bootstrap.servers',
      ),
      ['kafka:9092', 'kafka2:9092'],
    );
    assertConfigError(() => loadServerConfig({ flags: { 'ssl.truststore.password': 'x' } }), {
      code: 'NOT_SUPPORTED',
      key: 'ssl.truststore.password',
      includes: ['PEM, which has no password'],
    });
  });

  test('the same property set to its default is accepted, whatever its letter case', () => {
    const config = loadServerConfig({
      file: file(
        'ksql.streams.num.stream.threads=4\nssl.truststore.type=pkcs12\nksql.query.pull.table.scan.enabled=true',
      ),
    });
    assert.equal(config.getNumber('ksql.streams.num.stream.threads'), 4);
    assert.deepEqual(config.warnings, []);
  });

  test('an undeclared security setting is refused rather than passed on', () => {
    for (const key of [
      'ssl.cipher.suites',
      'sasl.jaas.config',
      'security.protocol',
      'authentication.skip.paths',
    ]) {
      assertConfigError(() => loadServerConfig({ file: file(`${key}=x`) }), {
        code: 'NOT_SUPPORTED',
        key,
        includes: ['is not supported yet', 'security setting'],
      });
    }
  });
});

describe('loadServerConfig and embedded Connect', () => {
  test('returns KSQL_CONNECT_* variables as worker properties and turns embedded mode on', () => {
    const config = loadServerConfig({
      env: { KSQL_CONNECT_GROUP_ID: 'g', KSQL_CONNECT_PLUGIN_PATH: '/plugins', KSQL_KSQL_SERVICE_ID: 's_' },
    });
    assert.equal(config.embeddedConnect, true);
    assert.deepEqual(config.connectWorker, { 'group.id': 'g', 'plugin.path': '/plugins' });
    assert.equal(config.has('group.id'), false);
    assert.deepEqual(config.warnings, []);
  });

  test('tells an explicitly set Connect URL apart from the default one', () => {
    assert.equal(loadServerConfig().isSetByUser('ksql.connect.url'), false);
    const config = loadServerConfig({ env: { KSQL_KSQL_CONNECT_URL: 'http://localhost:8083' } });
    assert.equal(config.isSetByUser('ksql.connect.url'), true);
  });
});
