// Test support: a plugin registry with the real converters and FileStream connectors. The
// transformation chain is tested on its own; here records pass through unchanged.
import { plugins as filePlugins } from '../../connectors/file/index.js';
import { converterByClass, converterClassNames } from '../converters/index.js';
import { PluginRegistry } from './plugin-registry.js';

export function testPlugins(): PluginRegistry {
  const registry = new PluginRegistry(
    {
      create: (className) => converterByClass(className),
      list: () => converterClassNames().map((c) => ({ class: c, type: 'converter' })),
    },
    { build: () => (record) => record, validate: () => [], list: () => [] },
  );
  for (const p of filePlugins) registry.register(p);
  return registry;
}
