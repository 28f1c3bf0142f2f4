import avro from 'avsc';

/**
 * Avro schemas as the registry keeps them: parsed (a schema Avro refuses is refused), and printed
 * in one canonical form, so the same schema written with other spacing or key order gets the same
 * text, hence the same id. The form imitates the Avro library's printer that Confluent stores:
 * compact JSON, the known attributes in Avro's order, custom properties (`connect.name`, …) after
 * them, a primitive without properties as its bare name.
 */
export interface ParsedAvroSchema {
  readonly canonical: string;
  readonly type: avro.Type;
}

/**
 * Throws an Error naming what is wrong when `text` is not an Avro schema. `references` (schema
 * texts, dependencies first) define the named types the schema may use by name.
 */
export function parseAvroSchema(text: string, references: readonly string[] = []): ParsedAvroSchema {
  const registry: Record<string, avro.Type> = {};
  for (const ref of references)
    avro.Type.forSchema(jsonOf(ref) as avro.Schema, { wrapUnions: true, registry });
  const json = jsonOf(text);
  const type = avro.Type.forSchema(json as avro.Schema, { wrapUnions: true, registry });
  return { canonical: JSON.stringify(canonicalNode(json)), type };
}

function jsonOf(text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Avro also takes a bare primitive name, e.g. `string`, as Confluent's parser does.
    if (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(text.trim())) json = text.trim();
    else throw new Error(`the schema is not JSON: ${text.length > 80 ? `${text.slice(0, 80)}…` : text}`);
  }
  return json;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

const ORDER: Readonly<Record<string, readonly string[]>> = {
  record: ['type', 'name', 'namespace', 'doc', 'fields', 'aliases'],
  error: ['type', 'name', 'namespace', 'doc', 'fields', 'aliases'],
  enum: ['type', 'name', 'namespace', 'doc', 'symbols', 'default', 'aliases'],
  fixed: ['type', 'name', 'namespace', 'doc', 'size', 'aliases'],
  array: ['type', 'items'],
  map: ['type', 'values'],
};
const FIELD_ORDER = ['name', 'type', 'doc', 'default', 'order', 'aliases'];

function canonicalNode(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(canonicalNode);
  if (node === null || typeof node !== 'object') return node;
  const object = node as Record<string, unknown>;
  const kind = typeof object.type === 'string' ? object.type : '';
  const keys = Object.keys(object);
  if (PRIMITIVES.has(kind) && keys.length === 1) return kind;
  const ordered = orderKeys(object, ORDER[kind] ?? ['type']);
  if (Array.isArray(ordered.fields))
    ordered.fields = ordered.fields.map((field) => {
      const f = orderKeys(field as Record<string, unknown>, FIELD_ORDER);
      f.type = canonicalNode(f.type);
      return f;
    });
  if (typeof ordered.type !== 'string') ordered.type = canonicalNode(ordered.type);
  if (ordered.items !== undefined) ordered.items = canonicalNode(ordered.items);
  if (ordered.values !== undefined) ordered.values = canonicalNode(ordered.values);
  return ordered;
}

function orderKeys(object: Record<string, unknown>, first: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of first) if (object[key] !== undefined) out[key] = object[key];
  for (const key of Object.keys(object)) if (!(key in out)) out[key] = object[key];
  return out;
}

/**
 * Undefined when data written with `writer` can be read with `reader` under Avro's resolution rules
 * (added fields need defaults, promotions int→long→float→double, enum symbols, union branches),
 * else why not.
 */
export function avroReadProblem(reader: avro.Type, writer: avro.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
