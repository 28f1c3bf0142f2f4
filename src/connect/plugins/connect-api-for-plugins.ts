import { register } from 'node:module';
import type { ConnectApiHookData } from './connect-api-resolve-hook.js';

/** What a connector package imports the api from (package.json `exports` maps it for tools too). */
export const CONNECT_API_SPECIFIER = 'sluice/connect-api';

let provided = false;

/**
 * Makes `import … from 'sluice/connect-api'` in any package resolve to this process's api module,
 * as Kafka Connect's plugin class loaders delegate the api to the worker's. One api instance means
 * `instanceof ConfigDef`, `RetriableException` and `Struct` checks hold, and a package needs no
 * sluice of its own in node_modules (it declares sluice as a peer dependency).
 */
export function provideConnectApiToPlugins(): void {
  if (provided) return;
  provided = true;
  const data: ConnectApiHookData = {
    specifier: CONNECT_API_SPECIFIER,
    apiUrl: new URL('../api/index.js', import.meta.url).href,
  };
  register(new URL('./connect-api-resolve-hook.js', import.meta.url), { data });
}
