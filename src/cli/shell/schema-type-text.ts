import type { SchemaInfo } from './ksql-entity.js';

export type { SchemaInfo };

/**
 * A schema as ksqlDB's CLI writes it (SchemaInfo.toTypeString): strings show as `VARCHAR(STRING)`
 * and map keys as STRING, because SchemaInfo carries no key type.
 */
export function schemaTypeText(schema: SchemaInfo): string {
  switch (schema.type) {
    case 'STRING':
      return 'VARCHAR(STRING)';
    case 'ARRAY':
      return `ARRAY<${memberText(schema)}>`;
    case 'MAP':
      return `MAP<STRING, ${memberText(schema)}>`;
    case 'STRUCT':
      return `STRUCT<${(schema.fields ?? []).map((f) => `${f.name} ${schemaTypeText(f.schema)}`).join(', ')}>`;
    case 'DECIMAL': {
      const p = schema.parameters;
      // Older servers send no parameters; ksqlDB then shows the bare name.
      return p === undefined || Object.keys(p).length === 0
        ? 'DECIMAL'
        : `DECIMAL(${p.precision}, ${p.scale})`;
    }
    default:
      return schema.type;
  }
}

function memberText(schema: SchemaInfo): string {
  return schema.memberSchema ? schemaTypeText(schema.memberSchema) : 'UNKNOWN';
}
