/*
 * registry/'s public surface: Sluice's own Confluent-compatible Schema Registry.
 *
 * - `SchemaStore`: subjects, versions, global ids and compatibility levels over the compacted
 *   `_schemas` topic (Confluent's record shapes), replayed at start.
 * - `buildRegistryApp`: the REST API over a store (a Fastify app; the caller listens).
 */
export { COMPATIBILITY_LEVELS, type CompatibilityLevel } from './compatibility.js';
export { buildRegistryApp } from './registry-rest-app.js';
export {
  type RegisterRequest,
  SCHEMAS_TOPIC,
  type SchemaReference,
  SchemaStore,
  type SchemaVersion,
} from './schema-store.js';
