export * from './entities.js';
export * from './errors.js';
export type { FieldInfo, FieldSchema, SchemaInfo } from './schema.js';
export * from './streamed-rows.js';
