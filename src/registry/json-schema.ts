/**
 * JSON schemas as the registry keeps them: JSON text that is a schema (an object or a boolean; the
 * keywords it uses have the shapes JSON Schema gives them), stored as compact JSON in the key order
 * given, or with keys sorted when `normalize` is asked for. `$ref`s to other documents must name a
 * reference of the request.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface ParsedJsonSchema {
  readonly canonical: string;
  readonly schema: JsonValue;
}

const TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);
const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SCHEMA_ONE = [
  'not',
  'if',
  'then',
  'else',
  'additionalProperties',
  'additionalItems',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
];
const NUMBERS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const COUNTS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'];

/** Throws an Error naming the keyword and where it is when `text` is not a JSON schema. */
export function parseJsonSchema(
  text: string,
  references: readonly { readonly name: string }[],
  normalize: boolean,
): ParsedJsonSchema {
  let schema: JsonValue;
  try {
    schema = JSON.parse(text) as JsonValue;
  } catch (err) {
    throw new Error(`the schema is not JSON: ${(err as Error).message}`);
  }
  check(schema, '#', new Set(references.map((r) => r.name)));
  const shown = normalize ? sortKeys(schema) : schema;
  return { canonical: JSON.stringify(shown), schema: shown };
}

function check(node: JsonValue, path: string, references: ReadonlySet<string>): void {
  if (typeof node === 'boolean') return;
  if (node === null || typeof node !== 'object' || Array.isArray(node))
    throw new Error(`${path} is not a schema: a JSON schema is an object or a boolean`);
  const type = node.type;
  if (type !== undefined) {
    const names = Array.isArray(type) ? type : [type];
    for (const t of names)
      if (typeof t !== 'string' || !TYPES.has(t))
        throw new Error(
          `${path}/type: ${JSON.stringify(t)} is not a JSON Schema type (${[...TYPES].join(', ')})`,
        );
  }
  for (const key of SCHEMA_MAPS) {
    const map = node[key];
    if (map === undefined) continue;
    if (map === null || typeof map !== 'object' || Array.isArray(map))
      throw new Error(`${path}/${key} must be an object of schemas`);
    for (const [name, sub] of Object.entries(map)) check(sub, `${path}/${key}/${name}`, references);
  }
  for (const key of SCHEMA_LISTS) {
    const list = node[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0)
      throw new Error(`${path}/${key} must be a non-empty array of schemas`);
    list.forEach((sub, i) => {
      check(sub, `${path}/${key}/${i}`, references);
    });
  }
  for (const key of SCHEMA_ONE) if (node[key] !== undefined) check(node[key], `${path}/${key}`, references);
  if (node.items !== undefined) {
    if (Array.isArray(node.items))
      node.items.forEach((sub, i) => {
        check(sub, `${path}/items/${i}`, references);
      });
    else check(node.items, `${path}/items`, references);
  }
  for (const key of NUMBERS)
    if (
      node[key] !== undefined &&
      typeof node[key] !== 'number' &&
      !(typeof node[key] === 'boolean' && key.startsWith('exclusive'))
    )
      throw new Error(`${path}/${key} must be a number`);
  for (const key of COUNTS)
    if (node[key] !== undefined && !(Number.isInteger(node[key]) && (node[key] as number) >= 0))
      throw new Error(`${path}/${key} must be a non-negative integer`);
  if (node.required !== undefined && typeof node.required !== 'boolean') {
    if (!Array.isArray(node.required) || node.required.some((r) => typeof r !== 'string'))
      throw new Error(`${path}/required must be an array of property names`);
  }
  if (node.enum !== undefined && !Array.isArray(node.enum)) throw new Error(`${path}/enum must be an array`);
  if (node.pattern !== undefined) {
    if (typeof node.pattern !== 'string') throw new Error(`${path}/pattern must be a string`);
    try {
      new RegExp(node.pattern, 'u');
    } catch (err) {
      throw new Error(`${path}/pattern is not a regular expression: ${(err as Error).message}`);
    }
  }
  const ref = node.$ref;
  if (ref !== undefined) {
    if (typeof ref !== 'string') throw new Error(`${path}/$ref must be a string`);
    const document = ref.split('#')[0];
    if (document !== '' && !references.has(document))
      throw new Error(`${path}/$ref names ${document}, which is not one of the request's references`);
  }
}

function sortKeys(node: JsonValue): JsonValue {
  if (Array.isArray(node)) return node.map(sortKeys);
  if (node === null || typeof node !== 'object') return node;
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(node).sort()) out[key] = sortKeys(node[key]);
  return out;
}

// ---------------------------------------------------------------- compatibility

/**
 * Why data valid under `writer` may be invalid under `reader` (Confluent's JSON Schema rules, the
 * common ones): a type narrowed, a property added to an open content model (Confluent's strict
 * default) or removed from a closed one, a property made required without a default, an enum
 * narrowed, a bound tightened (maxLength/maximum lowered, minLength/minimum raised), additional
 * properties closed. Undefined when the reader accepts everything the writer did by these rules.
 */
export function jsonSchemaDifference(reader: JsonValue, writer: JsonValue, path = '#'): string | undefined {
  if (reader === true || (typeof reader === 'object' && reader !== null && Object.keys(reader).length === 0))
    return undefined;
  if (reader === false) return writer === false ? undefined : `SCHEMA_NARROWED: ${path} accepts nothing now`;
  if (typeof reader !== 'object' || reader === null || Array.isArray(reader)) return undefined;
  if (typeof writer !== 'object' || writer === null || Array.isArray(writer))
    return writer === false ? undefined : `SCHEMA_NARROWED: ${path} was unconstrained`;

  const readerTypes = typesOf(reader);
  const writerTypes = typesOf(writer);
  if (readerTypes !== undefined) {
    if (writerTypes === undefined)
      return `TYPE_NARROWED: ${path} now must be ${[...readerTypes].join(' or ')}`;
    for (const t of writerTypes)
      if (!readerTypes.has(t) && !(t === 'integer' && readerTypes.has('number')))
        return `TYPE_NARROWED: ${path} no longer accepts type ${t}`;
  }
  if (Array.isArray(reader.enum)) {
    if (!Array.isArray(writer.enum))
      return `ENUM_ARRAY_NARROWED: ${path} now takes only ${JSON.stringify(reader.enum)}`;
    const allowed = new Set(reader.enum.map((v) => JSON.stringify(v)));
    const lost = writer.enum.find((v) => !allowed.has(JSON.stringify(v)));
    if (lost !== undefined) return `ENUM_ARRAY_NARROWED: ${path} no longer takes ${JSON.stringify(lost)}`;
  }
  for (const key of ['maxLength', 'maximum', 'maxItems', 'maxProperties', 'exclusiveMaximum'])
    if (typeof reader[key] === 'number' && !(typeof writer[key] === 'number' && writer[key] <= reader[key]))
      return `${key.toUpperCase()}_DECREASED: ${path}/${key} is now ${reader[key]}`;
  for (const key of ['minLength', 'minimum', 'minItems', 'minProperties', 'exclusiveMinimum'])
    if (typeof reader[key] === 'number' && !(typeof writer[key] === 'number' && writer[key] >= reader[key]))
      return `${key.toUpperCase()}_INCREASED: ${path}/${key} is now ${reader[key]}`;
  if (typeof reader.pattern === 'string' && reader.pattern !== writer.pattern)
    return `PATTERN_CHANGED: ${path}/pattern is now ${reader.pattern}`;

  const readerProps = objectOf(reader.properties);
  const writerProps = objectOf(writer.properties);
  const readerOpen = reader.additionalProperties !== false;
  const writerOpen = writer.additionalProperties !== false;
  if (!readerOpen && writerOpen)
    return `ADDITIONAL_PROPERTIES_REMOVED: ${path} no longer allows other properties`;
  for (const [name, sub] of Object.entries(readerProps)) {
    const before = writerProps[name];
    if (before === undefined) {
      if (writerOpen)
        return `PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: ${path}/properties/${name} is new while the earlier schema allowed any other property`;
      continue;
    }
    const problem = jsonSchemaDifference(sub, before, `${path}/properties/${name}`);
    if (problem !== undefined) return problem;
  }
  if (!readerOpen)
    for (const name of Object.keys(writerProps))
      if (readerProps[name] === undefined)
        return `PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: ${path}/properties/${name} was removed from a closed content model`;
  const writerRequired = new Set(Array.isArray(writer.required) ? writer.required : []);
  for (const name of Array.isArray(reader.required) ? reader.required : []) {
    const prop = readerProps[String(name)];
    const hasDefault = typeof prop === 'object' && prop !== null && !Array.isArray(prop) && 'default' in prop;
    if (!writerRequired.has(name) && !hasDefault)
      return `REQUIRED_PROPERTY_ADDED: ${path}/properties/${String(name)} is now required`;
  }
  if (
    reader.items !== undefined &&
    !Array.isArray(reader.items) &&
    writer.items !== undefined &&
    !Array.isArray(writer.items)
  )
    return jsonSchemaDifference(reader.items, writer.items, `${path}/items`);
  return undefined;
}

function typesOf(node: { [key: string]: JsonValue }): Set<string> | undefined {
  const type = node.type;
  if (type === undefined) return undefined;
  return new Set((Array.isArray(type) ? type : [type]).map(String));
}

function objectOf(value: JsonValue | undefined): { [key: string]: JsonValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}
