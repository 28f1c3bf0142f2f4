import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SERVER_PROPERTIES } from './definitions.js';
import { describeEffectiveConfig, maskConnectWorkerSecrets, maskSecrets } from './describe.js';
import { loadServerConfig } from './load.js';
import { parseProperties } from './properties-file.js';

const secretsConfig = () =>
  loadServerConfig({
    env: {
      KSQL_SSL_KEYSTORE_PASSWORD: 'ks-secret',
      KSQL_KSQL_CONNECT_SSL_KEYSTORE_PASSWORD: 'connect-secret',
      KSQL_KSQL_STREAMS_SASL_JAAS_CONFIG: 'jaas-secret',
      KSQL_CONNECT_GROUP_ID: 'g',
      KSQL_CONNECT_CONSUMER_SASL_JAAS_CONFIG: 'worker-secret',
    },
    file: parseProperties('ksql.service.id=svc_\nksql.output.topic.name.prefix='),
  });

describe('maskSecrets', () => {
  test('hides password-typed properties and secret-looking pass-through keys, and shows the rest', () => {
    const masked = maskSecrets(secretsConfig());
    assert.equal(masked['ssl.keystore.password'], '[hidden]');
    assert.equal(masked['ksql.connect.ssl.keystore.password'], '[hidden]');
    assert.equal(masked['ksql.streams.sasl.jaas.config'], '[hidden]');
    assert.equal(masked['ksql.service.id'], 'svc_');
    assert.equal(masked.listeners, 'http://0.0.0.0:8088');
    assert.equal(masked['ssl.truststore.password'], '(unset)');
    assert.equal(masked['ksql.connect.basic.auth.credentials.source'], 'NONE');
  });

  test('lists every declared property', () => {
    const masked = maskSecrets(loadServerConfig());
    for (const { name } of SERVER_PROPERTIES) assert.ok(name in masked, name);
  });

  test('hides secret-looking Connect worker keys', () => {
    assert.deepEqual(maskConnectWorkerSecrets(secretsConfig()), {
      'consumer.sasl.jaas.config': '[hidden]',
      'group.id': 'g',
    });
  });
});

describe('describeEffectiveConfig', () => {
  test('lists each effective key once with its value and origin, and never a secret', () => {
    const text = describeEffectiveConfig(secretsConfig());
    for (const secret of ['ks-secret', 'connect-secret', 'jaas-secret', 'worker-secret']) {
      assert.ok(!text.includes(secret), `${secret} leaked`);
    }
    for (const { name } of SERVER_PROPERTIES) {
      const lines = text.split('\n').filter((line) => line.trimStart().startsWith(`${name} `));
      assert.equal(lines.length, 1, name);
    }
    assert.match(text, /ksql\.service\.id += svc_ {2}\(<text> line 1\)/);
    assert.match(
      text,
      /ssl\.keystore\.password += \[hidden\] {2}\(environment variable KSQL_SSL_KEYSTORE_PASSWORD\)/,
    );
    assert.match(text, /ksql\.output\.topic\.name\.prefix += '' /);
    assert.match(text, /sluice\.data\.dir += \.\/sluice-data {2}\(default\)/);
  });

  test('adds the embedded worker keys and the warnings', () => {
    const text = describeEffectiveConfig(secretsConfig());
    assert.match(text, /Embedded Connect worker/);
    assert.match(text, /group\.id += g/);
    assert.match(text, /Warning: Property 'ksql\.streams\.sasl\.jaas\.config'/);
  });

  test('leaves the worker section out when embedded Connect is off', () => {
    assert.ok(!describeEffectiveConfig(loadServerConfig()).includes('Embedded Connect worker'));
  });
});

test('a password inside a URL value is hidden, the rest of the URL shown', () => {
  const config = loadServerConfig({
    env: {
      KSQL_KSQL_CONNECT_URL: 'http://connect:c0nnectpw@connect.example:8083',
      KSQL_CONNECT_CONNECTION_URL: 'jdbc:postgresql://db/x?user=u&password=jdbcpw',
    },
  });
  const text = describeEffectiveConfig(config);
  assert.match(text, /ksql\.connect\.url += http:\/\/connect:\[hidden\]@connect\.example:8083/);
  assert.match(text, /connection\.url += jdbc:postgresql:\/\/db\/x\?user=u&password=\[hidden\]/);
  assert.ok(!text.includes('c0nnectpw') && !text.includes('jdbcpw'));
});
