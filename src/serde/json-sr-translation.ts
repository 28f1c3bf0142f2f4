// Columns inferred from a registered JSON schema, as ksqlDB infers them through Connect's
// JsonSchemaData: `connect.type` and Connect's logical-type titles pick the SQL type, `oneOf` with
// null is a nullable type. Anything else is refused naming the field, rather than guessed.
import {
  array,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  decimal,
  INTEGER,
  map,
  type SqlType,
  STRING,
  struct,
  TIME,
  TIMESTAMP,
} from '../types/index.js';
import type { InferredColumns } from './avro-translation.js';
import type { SerdeColumn } from './format.js';
import { FormatSchemaError } from './serde-error.js';

const CONNECT = 'org.apache.kafka.connect.data.';
type Node = Record<string, unknown>;

/** The columns a JSON schema's text gives: its object's properties, or one column when not wrapped. */
export function columnsFromJsonSchema(
  schema: string,
  options: { wrapped: boolean; upperCase: boolean; single: string },
): InferredColumns {
  let root: unknown;
  try {
    root = JSON.parse(schema);
  } catch (err) {
    throw new FormatSchemaError(`The registered JSON schema is not JSON: ${(err as Error).message}`);
  }
  const name = (n: string) => (options.upperCase ? n.toUpperCase() : n);
  const node = nonNull(asNode(root, options.single));
  const properties = node.type === 'object' ? node.properties : undefined;
  if (!options.wrapped || properties === undefined) {
    if (options.wrapped)
      throw new FormatSchemaError(
        "Schema returned from schema registry is not a JSON object with properties. To use this schema with ksqlDB, set 'WRAP_SINGLE_VALUE=false' in the WITH clause properties.",
      );
    return { columns: [{ name: options.single, type: sqlTypeOf(node, name, options.single) }], dropped: [] };
  }
  const columns: SerdeColumn[] = fieldsOf(properties, name, '').map((f) => ({ name: f.name, type: f.type }));
  if (columns.length === 0)
    throw new FormatSchemaError('Schema does not include any columns with types that ksqlDB supports.');
  return { columns, dropped: [] };
}

function asNode(value: unknown, path: string): Node {
  if (value === true || (typeof value === 'object' && value !== null && !Array.isArray(value)))
    return value === true ? {} : (value as Node);
  throw new FormatSchemaError(`${path}: the JSON schema is not an object`);
}

/** `oneOf`/`anyOf` [{"type":"null"}, X] and `"type": ["null", X]` are X, optional as every SQL type is. */
function nonNull(node: Node): Node {
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = node[key];
    if (!Array.isArray(branches)) continue;
    const rest = branches.filter(
      (b) => !(typeof b === 'object' && b !== null && (b as Node).type === 'null'),
    );
    if (rest.length !== 1) return node;
    const { [key]: _, ...outer } = node;
    return nonNull({ ...outer, ...(rest[0] as Node) });
  }
  if (Array.isArray(node.type)) {
    const rest = node.type.filter((t) => t !== 'null');
    if (rest.length === 1) return { ...node, type: rest[0] };
  }
  return node;
}

function fieldsOf(
  properties: unknown,
  name: (n: string) => string,
  path: string,
): { name: string; type: SqlType }[] {
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties))
    throw new FormatSchemaError(`${path || 'the schema'}: "properties" is not an object`);
  // Connect orders fields by connect.index when the schema has one, else as written.
  const entries = Object.entries(properties as Record<string, unknown>).map(([field, value], i) => {
    const at = path === '' ? field : `${path}.${field}`;
    const node = asNode(value, at);
    const index = typeof node['connect.index'] === 'number' ? node['connect.index'] : i;
    return { index, field: name(field), type: sqlTypeOf(nonNull(node), name, at) };
  });
  entries.sort((a, b) => a.index - b.index);
  return entries.map((e) => ({ name: e.field, type: e.type }));
}

function unmappable(path: string, why: string): FormatSchemaError {
  return new FormatSchemaError(`Field '${path}' has a JSON schema ksqlDB cannot map to a SQL type: ${why}`);
}

function sqlTypeOf(node: Node, name: (n: string) => string, path: string): SqlType {
  const title = typeof node.title === 'string' ? node.title : undefined;
  const connectType = node['connect.type'];
  if (node.oneOf !== undefined || node.anyOf !== undefined || node.allOf !== undefined)
    throw unmappable(path, 'oneOf/anyOf/allOf other than a nullable [{"type":"null"}, X] is not supported');
  if (node.$ref !== undefined) throw unmappable(path, `$ref ${JSON.stringify(node.$ref)} is not supported`);
  switch (node.type) {
    case 'boolean':
      return BOOLEAN;
    case 'integer':
      if (title === `${CONNECT}Date`) return DATE;
      if (title === `${CONNECT}Time`) return TIME;
      if (title === `${CONNECT}Timestamp`) return TIMESTAMP;
      return connectType === 'int8' || connectType === 'int16' || connectType === 'int32' ? INTEGER : BIGINT;
    case 'number':
      if (title === `${CONNECT}Decimal`) return decimalOf(node, path);
      return DOUBLE;
    case 'string':
      return connectType === 'bytes' ? BYTES : STRING;
    case 'array': {
      if (node.items === undefined) throw unmappable(path, 'an array without "items"');
      const items = nonNull(asNode(node.items, `${path}[]`));
      if (connectType === 'map' && items.type === 'object') {
        // Connect's map with non-string keys: an array of {key, value} objects.
        const fields = fieldsOf(items.properties, (n) => n, `${path}[]`);
        const key = fields.find((f) => f.name === 'key');
        const value = fields.find((f) => f.name === 'value');
        if (key === undefined || value === undefined)
          throw unmappable(path, 'a map array without key and value');
        if (key.type.kind !== 'STRING')
          throw unmappable(path, 'JSON only supports MAP types with STRING keys');
        return map(STRING, value.type);
      }
      return array(sqlTypeOf(items, name, `${path}[]`));
    }
    case 'object': {
      if (node.properties !== undefined) {
        const fields = fieldsOf(node.properties, name, path);
        if (fields.length === 0) throw unmappable(path, 'an object without properties');
        return struct(fields);
      }
      const values = node.additionalProperties;
      if (values !== undefined && values !== false && values !== true)
        return map(STRING, sqlTypeOf(nonNull(asNode(values, `${path}{}`)), name, `${path}{}`));
      throw unmappable(path, 'an object with neither "properties" nor an "additionalProperties" schema');
    }
    case undefined:
      throw unmappable(path, 'no "type"');
    default:
      throw unmappable(path, `type ${JSON.stringify(node.type)} is not supported`);
  }
}

function decimalOf(node: Node, path: string): SqlType {
  const params = (node['connect.parameters'] ?? {}) as Record<string, unknown>;
  const scale = Number(params.scale ?? 0);
  const precision = Number(params['connect.decimal.precision'] ?? 64);
  if (!Number.isInteger(scale) || !Number.isInteger(precision))
    throw unmappable(path, 'a Decimal without integer scale and connect.decimal.precision');
  if (precision > 38)
    throw unmappable(path, `DECIMAL precision ${precision} is above ksqlDB's maximum of 38`);
  return decimal(precision, scale);
}
