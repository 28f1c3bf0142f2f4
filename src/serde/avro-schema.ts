// Avro schemas (JSON) read into a small tree the AVRO format compiles readers and writers from:
// named types resolved (namespaces as Avro's specification says), logical types kept as attributes.
import { FormatSchemaError } from './serde-error.js';

export type AvroPrimitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

export interface AvroLogical {
  /** decimal, date, time-millis, time-micros, timestamp-millis, timestamp-micros, uuid, … */
  readonly logicalType?: string;
  readonly precision?: number;
  readonly scale?: number;
}

export type AvroNode =
  | ({ readonly type: AvroPrimitive } & AvroLogical)
  | ({ readonly type: 'fixed'; readonly name: string; readonly size: number } & AvroLogical)
  | { readonly type: 'enum'; readonly name: string; readonly symbols: readonly string[] }
  | { readonly type: 'array'; readonly items: AvroNode }
  | { readonly type: 'map'; readonly values: AvroNode }
  | AvroRecord
  | { readonly type: 'union'; readonly branches: readonly AvroNode[] };

export interface AvroRecord {
  readonly type: 'record';
  /** The full name (namespace.name). */
  readonly name: string;
  readonly fields: AvroField[];
}

export interface AvroField {
  readonly name: string;
  readonly type: AvroNode;
  readonly hasDefault: boolean;
  readonly default?: unknown;
}

const PRIMITIVES = new Set<string>(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/**
 * Parses schema text (JSON, or a bare primitive name) into the tree; throws FormatSchemaError
 * naming the problem. `references` are the texts of the Schema Registry references it names types
 * from, each one's own references first: their named types are defined before the schema is read.
 */
export function parseAvroSchema(text: string, references: readonly { schema: string }[] = []): AvroNode {
  const parser = new AvroSchemaParser();
  for (const ref of references) parser.parse(schemaJson(ref.schema), '');
  return parser.parse(schemaJson(text), '');
}

function schemaJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const bare = text.trim();
    if (PRIMITIVES.has(bare)) return bare;
    throw new FormatSchemaError(`The Avro schema is not JSON: ${text.slice(0, 80)}`);
  }
}

class AvroSchemaParser {
  private readonly named = new Map<string, AvroNode>();

  parse(json: unknown, namespace: string): AvroNode {
    if (typeof json === 'string') {
      if (PRIMITIVES.has(json)) return { type: json as AvroPrimitive };
      const full = json.includes('.') || namespace === '' ? json : `${namespace}.${json}`;
      const found = this.named.get(full) ?? this.named.get(json);
      if (found === undefined)
        throw new FormatSchemaError(`The Avro schema names an undefined type '${json}'`);
      return found;
    }
    if (Array.isArray(json)) return { type: 'union', branches: json.map((b) => this.parse(b, namespace)) };
    if (json === null || typeof json !== 'object')
      throw new FormatSchemaError(`Not an Avro schema: ${JSON.stringify(json)}`);
    const o = json as Record<string, unknown>;
    const type = o.type;
    if (
      typeof type !== 'string' ||
      !(PRIMITIVES.has(type) || ['record', 'error', 'enum', 'fixed', 'array', 'map'].includes(type))
    ) {
      // {"type": {...}} nests a type; {"type": "Name"} refers to one.
      if (type !== undefined && (typeof type === 'object' || typeof type === 'string'))
        return this.parse(type, namespace);
      throw new FormatSchemaError(`Not an Avro schema: ${JSON.stringify(json).slice(0, 80)}`);
    }
    const logical: AvroLogical = {
      ...(typeof o.logicalType === 'string' ? { logicalType: o.logicalType } : {}),
      ...(typeof o.precision === 'number' ? { precision: o.precision } : {}),
      ...(typeof o.scale === 'number' ? { scale: o.scale } : {}),
    };
    if (PRIMITIVES.has(type)) return { type: type as AvroPrimitive, ...logical };
    switch (type) {
      case 'array':
        return { type: 'array', items: this.parse(o.items, namespace) };
      case 'map':
        return { type: 'map', values: this.parse(o.values, namespace) };
      case 'fixed': {
        const name = fullName(o, namespace);
        const node: AvroNode = { type: 'fixed', name, size: Number(o.size), ...logical };
        this.named.set(name, node);
        return node;
      }
      case 'enum': {
        const name = fullName(o, namespace);
        const node: AvroNode = { type: 'enum', name, symbols: (o.symbols as string[]) ?? [] };
        this.named.set(name, node);
        return node;
      }
      default: {
        const name = fullName(o, namespace);
        const node: AvroRecord = { type: 'record', name, fields: [] };
        this.named.set(name, node);
        const inner = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '';
        if (!Array.isArray(o.fields))
          throw new FormatSchemaError(`The Avro record '${name}' has no fields array`);
        for (const f of o.fields as Record<string, unknown>[]) {
          node.fields.push({
            name: String(f.name),
            type: this.parse(f.type, inner),
            hasDefault: 'default' in f,
            ...('default' in f ? { default: f.default } : {}),
          });
        }
        return node;
      }
    }
  }
}

function fullName(o: Record<string, unknown>, namespace: string): string {
  const name = String(o.name ?? '');
  if (name === '') throw new FormatSchemaError('An Avro named type has no name');
  if (name.includes('.')) return name;
  const ns = typeof o.namespace === 'string' ? o.namespace : namespace;
  return ns === '' ? name : `${ns}.${name}`;
}

/** The branch of `["null", T]` (either order) that is not null, or undefined for other unions. */
export function nullableBranch(node: AvroNode): AvroNode | undefined {
  if (node.type !== 'union' || node.branches.length !== 2) return undefined;
  const [a, b] = node.branches;
  if (a.type === 'null' && b.type !== 'null') return b;
  if (b.type === 'null' && a.type !== 'null') return a;
  return undefined;
}

/** How Avro names a type in messages: `int`, `record demo.User`, `union [null, string]`. */
export function describeAvro(node: AvroNode): string {
  switch (node.type) {
    case 'record':
    case 'enum':
    case 'fixed':
      return `${node.type} ${node.name}`;
    case 'array':
      return `array<${describeAvro(node.items)}>`;
    case 'map':
      return `map<${describeAvro(node.values)}>`;
    case 'union':
      return `union [${node.branches.map(describeAvro).join(', ')}]`;
    default:
      return node.logicalType === undefined ? node.type : `${node.type} (${node.logicalType})`;
  }
}
