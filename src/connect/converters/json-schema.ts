import { type ConnectValue, DataException, type Field, type Schema, type SchemaType } from '../api/index.js';
import { type JsonNode, JsonNumber, type JsonObject, jsonNodeType } from './json-tree.js';

// Kafka Connect schemas as JSON (JsonConverter's "schema" envelope field): type names such as
// "int32" and "float"/"double", then "optional", "name", "version", "doc", "parameters", "default",
// in that order; struct fields carry their name in a trailing "field" key.

const TYPE_NAMES: Record<SchemaType, string> = {
  BOOLEAN: 'boolean',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FLOAT32: 'float',
  FLOAT64: 'double',
  BYTES: 'bytes',
  STRING: 'string',
  ARRAY: 'array',
  MAP: 'map',
  STRUCT: 'struct',
};

const TYPES_BY_NAME = new Map(Object.entries(TYPE_NAMES).map(([type, name]) => [name, type as SchemaType]));

/** Schema → JSON; `defaultToJson` writes default values as the converter writes values. */
export function schemaToJson(
  schema: Schema,
  defaultToJson: (schema: Schema, value: ConnectValue) => JsonNode,
): JsonObject {
  const out: JsonObject = new Map([['type', TYPE_NAMES[schema.type]]]);
  if (schema.type === 'ARRAY')
    out.set('items', schemaToJson(required(schema.valueSchema, 'ARRAY'), defaultToJson));
  if (schema.type === 'MAP') {
    out.set('keys', schemaToJson(required(schema.keySchema, 'MAP'), defaultToJson));
    out.set('values', schemaToJson(required(schema.valueSchema, 'MAP'), defaultToJson));
  }
  if (schema.type === 'STRUCT') {
    const fields: JsonNode[] = (schema.fields ?? []).map((f) => {
      const fieldJson = schemaToJson(f.schema, defaultToJson);
      fieldJson.set('field', f.name);
      return fieldJson;
    });
    out.set('fields', fields);
  }
  out.set('optional', schema.optional);
  if (schema.name !== undefined) out.set('name', schema.name);
  if (schema.version !== undefined) out.set('version', new JsonNumber(String(schema.version)));
  if (schema.doc !== undefined) out.set('doc', schema.doc);
  if (schema.parameters !== undefined) out.set('parameters', new Map(Object.entries(schema.parameters)));
  if (schema.defaultValue !== undefined && schema.defaultValue !== null)
    out.set('default', defaultToJson(schema, schema.defaultValue));
  return out;
}

function required(schema: Schema | undefined, type: string): Schema {
  if (schema === undefined)
    throw new DataException(`Couldn't translate ${type} schema without element schemas.`);
  return schema;
}

/** JSON → Schema (null for a JSON null); `defaultToConnect` reads default values as values. */
export function schemaFromJson(
  json: JsonNode,
  defaultToConnect: (schema: Schema, value: JsonNode) => ConnectValue,
): Schema | null {
  if (json === null) return null;
  if (!(json instanceof Map))
    throw new DataException(`Schema must be a JSON object, but found ${jsonNodeType(json)}`);
  const typeName = json.get('type');
  if (typeof typeName !== 'string') throw new DataException("Schema must contain 'type' field");
  const type = TYPES_BY_NAME.get(typeName);
  if (type === undefined) throw new DataException(`Unknown schema type: ${typeName}`);
  const schema: {
    type: SchemaType;
    optional: boolean;
    name?: string;
    version?: number;
    doc?: string;
    parameters?: Record<string, string>;
    keySchema?: Schema;
    valueSchema?: Schema;
    fields?: Field[];
    defaultValue?: ConnectValue;
  } = { type, optional: json.get('optional') === true };
  const nested = (node: JsonNode | undefined): Schema => {
    const s = node === undefined ? null : schemaFromJson(node, defaultToConnect);
    if (s === null) throw new DataException('Nested schema must not be null');
    return s;
  };
  if (type === 'ARRAY') {
    const items = json.get('items');
    if (items === undefined || items === null)
      throw new DataException('Array schema did not specify the element type');
    schema.valueSchema = nested(items);
  } else if (type === 'MAP') {
    if (!json.has('keys')) throw new DataException('Map schema did not specify the key type');
    if (!json.has('values')) throw new DataException('Map schema did not specify the value type');
    schema.keySchema = nested(json.get('keys'));
    schema.valueSchema = nested(json.get('values'));
  } else if (type === 'STRUCT') {
    const fields = json.get('fields');
    if (!Array.isArray(fields))
      throw new DataException('Struct schema\'s "fields" argument is not an array.');
    schema.fields = fields.map((f, index) => {
      const name = f instanceof Map ? f.get('field') : undefined;
      if (typeof name !== 'string')
        throw new DataException("Struct schema's field name not specified properly");
      return { name, index, schema: nested(f) };
    });
    const names = new Set<string>();
    for (const f of schema.fields) {
      if (names.has(f.name))
        throw new DataException(`Cannot create field because of field name duplication ${f.name}`);
      names.add(f.name);
    }
  }
  const name = json.get('name');
  if (typeof name === 'string') schema.name = name;
  const version = json.get('version');
  if (version instanceof JsonNumber && version.integral) schema.version = Number(version.text);
  const doc = json.get('doc');
  if (typeof doc === 'string') schema.doc = doc;
  const parameters = json.get('parameters');
  if (parameters instanceof Map) {
    schema.parameters = {};
    for (const [k, v] of parameters) {
      if (typeof v !== 'string') throw new DataException('Schema parameters must have string values.');
      schema.parameters[k] = v;
    }
  }
  const defaultNode = json.get('default');
  if (defaultNode !== undefined) schema.defaultValue = defaultToConnect(schema, defaultNode);
  return schema;
}
