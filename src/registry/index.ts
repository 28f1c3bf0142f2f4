/*
 * registry/'s public surface: Sluice's own Confluent-compatible Schema Registry.
 *
 * - `SchemaStore`: subjects, versions, global ids and compatibility levels over the compacted
 *   `_schemas` topic (Confluent's record shapes), replayed at start.
 * - `buildRegistryApp`: the REST API over a store (a Fastify app; the caller listens).
 * - `HttpSchemaRegistryClient` (with `registryClientSettings`) and `InProcessSchemaRegistryClient`:
 *   the clients formats and converters use: HTTP to a URL (basic/bearer auth, TLS), or a store in-process.
 */

export { HttpSchemaRegistryClient } from './client-http.js';
export { InProcessSchemaRegistryClient } from './client-in-process.js';
export {
  type RegistryClientSettings,
  RegistryClientSettingsError,
  type RegistryTls,
  registryClientSettings,
} from './client-settings.js';
export { COMPATIBILITY_LEVELS, type CompatibilityLevel } from './compatibility.js';
export { buildRegistryApp } from './registry-rest-app.js';
export {
  type RegisterRequest,
  SCHEMAS_TOPIC,
  type SchemaReference,
  SchemaStore,
  type SchemaVersion,
} from './schema-store.js';
