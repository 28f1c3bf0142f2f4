import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SERVER_PROPERTIES } from './definitions.js';
import {
  envSuffixToPropertyName,
  envVarForConnectProperty,
  envVarForServerProperty,
  javaSystemProperties,
  propertiesFromEnvironment,
} from './env.js';

const serverKeys = (env: Record<string, string>): Record<string, string> =>
  Object.fromEntries([...propertiesFromEnvironment(env).server].map(([k, p]) => [k, p.value]));

const workerKeys = (env: Record<string, string>): Record<string, string> =>
  Object.fromEntries([...propertiesFromEnvironment(env).connectWorker].map(([k, p]) => [k, p.value]));

describe('environment variable names', () => {
  test('a single underscore becomes a dot and the name is lower-cased', () => {
    assert.equal(envSuffixToPropertyName('KSQL_SERVICE_ID'), 'ksql.service.id');
  });

  test('a double underscore becomes an underscore', () => {
    assert.equal(
      envSuffixToPropertyName('KSQL_FUNCTIONS_COLLECT__LIST_LIMIT'),
      'ksql.functions.collect_list.limit',
    );
  });

  test('a triple underscore becomes a dash', () => {
    assert.equal(envSuffixToPropertyName('SLUICE_SOME___THING_ON'), 'sluice.some-thing.on');
  });

  test('longer runs of underscores split as dub does: three to a dash first, then two to an underscore', () => {
    assert.equal(envSuffixToPropertyName('A____B'), 'a-_b');
    assert.equal(envSuffixToPropertyName('A_____B'), 'a-_b');
    assert.equal(envSuffixToPropertyName('A______B'), 'a--b');
  });

  test('every declared property maps to a variable that maps back to it', () => {
    for (const { name } of SERVER_PROPERTIES) {
      const envVar = envVarForServerProperty(name);
      assert.match(envVar, /^KSQL_[A-Z0-9_]+$/);
      assert.deepEqual(Object.keys(serverKeys({ [envVar]: 'x' })), [name], envVar);
    }
  });

  test('Connect worker properties have KSQL_CONNECT_ variables', () => {
    assert.equal(envVarForConnectProperty('group.id'), 'KSQL_CONNECT_GROUP_ID');
    assert.equal(envVarForServerProperty('ksql.connect.url'), 'KSQL_KSQL_CONNECT_URL');
  });
});

describe('propertiesFromEnvironment', () => {
  test('maps KSQL_ variables to server properties as ksqlDB does', () => {
    assert.deepEqual(
      serverKeys({
        KSQL_KSQL_SERVICE_ID: 'svc_',
        KSQL_LISTENERS: 'http://0.0.0.0:9000',
        KSQL_KSQL_STREAMS_AUTO_OFFSET_RESET: 'earliest',
        KSQL_SLUICE_DATA_DIR: '/data',
      }),
      {
        'ksql.service.id': 'svc_',
        listeners: 'http://0.0.0.0:9000',
        'ksql.streams.auto.offset.reset': 'earliest',
        'sluice.data.dir': '/data',
      },
    );
  });

  test('KSQL_CONNECT_ variables become Connect worker properties, not server ones', () => {
    const env = {
      KSQL_CONNECT_PLUGIN_PATH: '/usr/share/plugins',
      KSQL_CONNECT_GROUP_ID: 'ksql-connect',
      KSQL_CONNECT_VALUE_CONVERTER_SCHEMAS_ENABLE: 'false',
      KSQL_KSQL_CONNECT_URL: 'http://connect:8083',
    };
    assert.deepEqual(workerKeys(env), {
      'plugin.path': '/usr/share/plugins',
      'group.id': 'ksql-connect',
      'value.converter.schemas.enable': 'false',
    });
    assert.deepEqual(serverKeys(env), { 'ksql.connect.url': 'http://connect:8083' });
  });

  test('embedded Connect is on when any KSQL_CONNECT_ variable is set, and off otherwise', () => {
    assert.equal(propertiesFromEnvironment({ KSQL_CONNECT_REST_PORT: '8083' }).embeddedConnect, true);
    assert.equal(
      propertiesFromEnvironment({ KSQL_KSQL_CONNECT_URL: 'http://c:8083' }).embeddedConnect,
      false,
    );
    assert.equal(propertiesFromEnvironment({}).embeddedConnect, false);
  });

  test('records which variable each property came from', () => {
    const result = propertiesFromEnvironment({ KSQL_KSQL_SERVICE_ID: 'a_' });
    assert.equal(result.server.get('ksql.service.id')?.envVar, 'KSQL_KSQL_SERVICE_ID');
  });

  test('ignores variables without the prefix, the bare prefix, unset values and lower-case names', () => {
    const env: Record<string, string | undefined> = {
      PATH: '/bin',
      KSQL_: 'x',
      KSQL_CONNECT_: 'y',
      KSQL_KSQL_SERVICE_ID: undefined,
      ksql_ksql_service_id: 'lower',
    };
    const result = propertiesFromEnvironment(env);
    assert.equal(result.server.size, 0);
    assert.equal(result.connectWorker.size, 0);
    assert.equal(result.embeddedConnect, false);
  });

  test('keeps an empty value, as the Docker image writes it to the file', () => {
    assert.deepEqual(serverKeys({ KSQL_KSQL_OUTPUT_TOPIC_NAME_PREFIX: '' }), {
      'ksql.output.topic.name.prefix': '',
    });
  });

  test('leaves launcher variables such as KSQL_HEAP_OPTS out of the properties', () => {
    assert.deepEqual(
      serverKeys({ KSQL_HEAP_OPTS: '-Xmx1g', KSQL_LOG4J_OPTS: '-Dx=y', KSQL_JMX_PORT: '1099' }),
      {},
    );
  });

  test('takes -D options from KSQL_OPTS separately, since they outrank the other variables', () => {
    const result = propertiesFromEnvironment({ KSQL_OPTS: '-Xmx1g -Dksql.service.id=opts_ -Dflag' });
    assert.equal(result.server.size, 0);
    assert.equal(result.javaOptions.get('ksql.service.id')?.value, 'opts_');
    assert.equal(result.javaOptions.get('ksql.service.id')?.envVar, 'KSQL_OPTS');
    assert.equal(result.javaOptions.get('flag')?.value, '');
  });
});

describe('javaSystemProperties', () => {
  test('reads -Dname=value options and honours quotes around values with blanks', () => {
    const props = javaSystemProperties(`-server -Da=1 -Db="two words" '-Dc=it''s' -Dd=x=y -D`);
    assert.deepEqual(Object.fromEntries(props), { a: '1', b: 'two words', c: 'its', d: 'x=y' });
  });
});
