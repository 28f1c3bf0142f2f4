// Test support: a source connector with a PASSWORD key, to check secrets never come back.
import {
  ConfigDef,
  type ConnectorPlugin,
  type SourceConnector,
  type SourceRecord,
  type SourceTask,
} from '../api/index.js';

/** A source connector with a PASSWORD key, to check secrets never come back. It writes nothing. */
export const secretPlugin: ConnectorPlugin = {
  className: 'com.example.SecretSourceConnector',
  type: 'source',
  version: '2.0.0',
  create(): SourceConnector {
    let props: Readonly<Record<string, string>> = {};
    return {
      kind: 'source',
      version: () => '2.0.0',
      config: () =>
        new ConfigDef()
          .define({ name: 'token', type: 'PASSWORD', importance: 'HIGH', documentation: 'An API token.' })
          .define({
            name: 'fallback.token',
            type: 'PASSWORD',
            defaultValue: 'changeme',
            importance: 'LOW',
            documentation: 'A token with a default, which is a secret too.',
          })
          .define({
            name: 'token.count',
            type: 'INT',
            defaultValue: 1,
            importance: 'LOW',
            documentation: 'Named like a secret, declared as an INT: shown.',
          })
          .define({
            name: 'endpoint',
            type: 'STRING',
            defaultValue: 'https://example.com',
            importance: 'MEDIUM',
            documentation: 'Where to call.',
          }),
      initialize: () => {},
      start: (p) => {
        props = p;
      },
      taskConfigs: (max) => Array.from({ length: max }, () => ({ ...props })),
      stop: () => {},
      createTask(): SourceTask {
        let stopped = false;
        return {
          version: () => '2.0.0',
          initialize: () => {},
          start: () => {},
          async poll(): Promise<SourceRecord[] | null> {
            if (!stopped) await new Promise((r) => setTimeout(r, 50));
            return null;
          },
          stop: () => {
            stopped = true;
          },
        };
      },
    };
  },
};
