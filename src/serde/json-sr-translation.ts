// Columns inferred from a registered JSON schema, as ksqlDB infers them through Connect's
// JsonSchemaData: `connect.type` and Connect's logical-type titles pick the SQL type, `oneOf` with
// null is a nullable type; `$ref`s are followed, within the schema (JSON pointers such as
// `#/definitions/X`) and into schemas of other subjects (the registry's references, by name), as
// JsonSchemaData follows everit's ReferenceSchema. Anything else is refused naming the field.
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

/** A referenced subject's schema, named as the referring schema's `$ref`s name it. */
export interface JsonSchemaReference {
  readonly name: string;
  readonly schema: string;
}

/** How names are cased, and where `$ref`s lead: the document a node belongs to and the referenced ones. */
interface Walk {
  readonly name: (n: string) => string;
  readonly doc: unknown;
  readonly docs: ReadonlyMap<string, unknown>;
  /** The `$ref`s followed to reach this node, to refuse a recursive type instead of looping. */
  readonly followed: readonly string[];
}

/** The columns a JSON schema's text gives: its object's properties, or one column when not wrapped. */
export function columnsFromJsonSchema(
  schema: string,
  options: { wrapped: boolean; upperCase: boolean; single: string },
  references: readonly JsonSchemaReference[] = [],
): InferredColumns {
  const root = parseSchema(schema, 'The registered JSON schema');
  const docs = new Map<string, unknown>();
  for (const r of references) {
    const doc = parseSchema(r.schema, `The referenced JSON schema ${r.name}`);
    docs.set(r.name, doc);
    const id = typeof doc === 'object' && doc !== null ? (doc as Node).$id : undefined;
    if (typeof id === 'string' && !docs.has(id)) docs.set(id, doc);
  }
  const top: Walk = { name: (n) => (options.upperCase ? n.toUpperCase() : n), doc: root, docs, followed: [] };
  const [node, walk] = resolved(asNode(root, options.single), top, options.single);
  const properties = node.type === 'object' ? node.properties : undefined;
  if (!options.wrapped || properties === undefined) {
    if (options.wrapped)
      throw new FormatSchemaError(
        "Schema returned from schema registry is not a JSON object with properties. To use this schema with ksqlDB, set 'WRAP_SINGLE_VALUE=false' in the WITH clause properties.",
      );
    return { columns: [{ name: options.single, type: sqlTypeOf(node, walk, options.single) }], dropped: [] };
  }
  const columns: SerdeColumn[] = fieldsOf(properties, walk, '').map((f) => ({ name: f.name, type: f.type }));
  if (columns.length === 0)
    throw new FormatSchemaError('Schema does not include any columns with types that ksqlDB supports.');
  return { columns, dropped: [] };
}

function parseSchema(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FormatSchemaError(`${what} is not JSON: ${(err as Error).message}`);
  }
}

/** The node a `$ref` chain ends at (nullable unions unwrapped), and the walk inside its document. */
function resolved(start: Node, walk: Walk, path: string): [Node, Walk] {
  let node = nonNull(start);
  let at = walk;
  while (typeof node.$ref === 'string') {
    const ref = node.$ref;
    if (at.followed.includes(ref))
      throw unmappable(
        path,
        `$ref ${JSON.stringify(ref)} refers to itself: a recursive type has no SQL type`,
      );
    const hash = ref.indexOf('#');
    const base = hash < 0 ? ref : ref.slice(0, hash);
    const pointer = hash < 0 ? '' : ref.slice(hash + 1);
    let doc = at.doc;
    if (base !== '') {
      if (!at.docs.has(base))
        throw unmappable(
          path,
          `$ref ${JSON.stringify(ref)} names ${base}, which is not one of the schema's references in the Schema Registry`,
        );
      doc = at.docs.get(base);
    }
    at = { ...at, doc, followed: [...at.followed, ref] };
    node = nonNull(asNode(pointed(doc, pointer, ref, path), path));
  }
  return [node, at];
}

/** What a JSON pointer (RFC 6901, the part after `#`) points at in a document. */
function pointed(doc: unknown, pointer: string, ref: string, path: string): unknown {
  if (pointer === '' || pointer === '/') return doc;
  if (!pointer.startsWith('/'))
    throw unmappable(path, `$ref ${JSON.stringify(ref)} is not a JSON pointer (#/definitions/…)`);
  let here: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const step = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof here !== 'object' || here === null || !Object.hasOwn(here, step))
      throw unmappable(path, `$ref ${JSON.stringify(ref)} points at nothing in its schema`);
    here = (here as Record<string, unknown>)[step];
  }
  return here;
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

function fieldsOf(properties: unknown, walk: Walk, path: string): { name: string; type: SqlType }[] {
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties))
    throw new FormatSchemaError(`${path || 'the schema'}: "properties" is not an object`);
  // Connect orders fields by connect.index when the schema has one, else as written.
  const entries = Object.entries(properties as Record<string, unknown>).map(([field, value], i) => {
    const at = path === '' ? field : `${path}.${field}`;
    const declared = asNode(value, at);
    const [node, inside] = resolved(declared, walk, at);
    const given = declared['connect.index'] ?? node['connect.index'];
    const index = typeof given === 'number' ? given : i;
    return { index, field: walk.name(field), type: sqlTypeOf(node, inside, at) };
  });
  entries.sort((a, b) => a.index - b.index);
  return entries.map((e) => ({ name: e.field, type: e.type }));
}

function unmappable(path: string, why: string): FormatSchemaError {
  return new FormatSchemaError(`Field '${path}' has a JSON schema ksqlDB cannot map to a SQL type: ${why}`);
}

function sqlTypeOf(node: Node, walk: Walk, path: string): SqlType {
  const title = typeof node.title === 'string' ? node.title : undefined;
  const connectType = node['connect.type'];
  if (node.oneOf !== undefined || node.anyOf !== undefined || node.allOf !== undefined)
    throw unmappable(path, 'oneOf/anyOf/allOf other than a nullable [{"type":"null"}, X] is not supported');
  if (node.$ref !== undefined) throw unmappable(path, `$ref ${JSON.stringify(node.$ref)} is not a string`);
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
      const [items, inItems] = resolved(asNode(node.items, `${path}[]`), walk, `${path}[]`);
      if (connectType === 'map' && items.type === 'object') {
        // Connect's map with non-string keys: an array of {key, value} objects.
        const fields = fieldsOf(items.properties, { ...inItems, name: (n) => n }, `${path}[]`);
        const key = fields.find((f) => f.name === 'key');
        const value = fields.find((f) => f.name === 'value');
        if (key === undefined || value === undefined)
          throw unmappable(path, 'a map array without key and value');
        if (key.type.kind !== 'STRING')
          throw unmappable(path, 'JSON only supports MAP types with STRING keys');
        return map(STRING, value.type);
      }
      return array(sqlTypeOf(items, inItems, `${path}[]`));
    }
    case 'object': {
      if (node.properties !== undefined) {
        const fields = fieldsOf(node.properties, walk, path);
        if (fields.length === 0) throw unmappable(path, 'an object without properties');
        return struct(fields);
      }
      const values = node.additionalProperties;
      if (values !== undefined && values !== false && values !== true)
        return map(
          STRING,
          sqlTypeOf(...resolved(asNode(values, `${path}{}`), walk, `${path}{}`), `${path}{}`),
        );
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
