// Writers of SQL values into Avro binary for a given (registered) writer schema, compiled once per
// schema: record fields filled from columns or struct fields by name ignoring case, `["null", T]`
// unions for nullable values, logical types written as Avro's specification says.
import { type Decimal, formatType, type SqlType, type SqlValue, type StructValue } from '../types/index.js';
import { type AvroWriter, twosComplementOf } from './avro-binary.js';
import { type AvroNode, describeAvro } from './avro-schema.js';
import { fitDecimal } from './decimal.js';
import type { SerdeColumn } from './format.js';
import { FormatSchemaError } from './serde-error.js';

export type AvroWrite = (w: AvroWriter, value: SqlValue) => void;

/** Raised per record for a value the schema cannot take (a null for a required field, an unknown enum symbol). */
export class AvroValueError extends Error {
  override readonly name = 'AvroValueError';
}

function mismatch(path: string, writer: AvroNode, source: SqlType): FormatSchemaError {
  return new FormatSchemaError(
    `${path} is ${formatType(source)}, which cannot be written as ${describeAvro(writer)} of the schema`,
  );
}

function requireValue(path: string, node: AvroNode): AvroWrite {
  return () => {
    throw new AvroValueError(
      `Invalid value: null used for required field: "${path}", schema type: ${describeAvro(node)}`,
    );
  };
}

/** A writer of non-null values of `source` as `node`, and what a null does. */
export function compileAvroWriter(node: AvroNode, source: SqlType, path: string): AvroWrite {
  if (node.type === 'union') return unionWriter(node.branches, source, path, node);
  const write = valueWriter(node, source, path);
  const onNull = requireValue(path, node);
  return (w, v) => (v === null ? onNull(w, v) : write(w, v));
}

function unionWriter(
  branches: readonly AvroNode[],
  source: SqlType,
  path: string,
  node: AvroNode,
): AvroWrite {
  const nullIndex = branches.findIndex((b) => b.type === 'null');
  let valueIndex = -1;
  let write: AvroWrite | undefined;
  for (let i = 0; i < branches.length && write === undefined; i++) {
    if (branches[i].type === 'null') continue;
    try {
      write = valueWriter(branches[i], source, path);
      valueIndex = i;
    } catch (err) {
      if (!(err instanceof FormatSchemaError)) throw err;
    }
  }
  if (write === undefined) throw mismatch(path, node, source);
  const onNull = nullIndex < 0 ? requireValue(path, node) : undefined;
  const chosen = write;
  return (w, v) => {
    if (v === null) {
      if (onNull !== undefined) return onNull(w, v);
      w.writeLong(nullIndex);
      return;
    }
    w.writeLong(valueIndex);
    chosen(w, v);
  };
}

function valueWriter(node: AvroNode, source: SqlType, path: string): AvroWrite {
  switch (node.type) {
    case 'boolean':
      if (source.kind === 'BOOLEAN') return (w, v) => w.writeBoolean(v as boolean);
      break;
    case 'int':
      if (source.kind === 'INTEGER' || source.kind === 'DATE' || source.kind === 'TIME')
        return (w, v) => w.writeLong(v as number);
      break;
    case 'long':
      if (source.kind === 'BIGINT') return (w, v) => w.writeBigLong(v as bigint);
      if (source.kind === 'INTEGER') return (w, v) => w.writeLong(v as number);
      if (source.kind === 'TIMESTAMP') {
        const micros =
          node.logicalType === 'timestamp-micros' || node.logicalType === 'local-timestamp-micros';
        return micros ? (w, v) => w.writeLong((v as number) * 1000) : (w, v) => w.writeLong(v as number);
      }
      break;
    case 'float':
      if (source.kind === 'DOUBLE') return (w, v) => w.writeFloat(v as number);
      break;
    case 'double':
      if (source.kind === 'DOUBLE') return (w, v) => w.writeDouble(v as number);
      if (source.kind === 'INTEGER') return (w, v) => w.writeDouble(v as number);
      if (source.kind === 'BIGINT') return (w, v) => w.writeDouble(Number(v as bigint));
      break;
    case 'string':
      if (source.kind === 'STRING') return (w, v) => w.writeString(v as string);
      break;
    case 'enum': {
      if (source.kind !== 'STRING') break;
      const index = new Map(node.symbols.map((s, i) => [s, i]));
      return (w, v) => {
        const i = index.get(v as string);
        if (i === undefined)
          throw new AvroValueError(
            `${path}: '${v}' is not a symbol of enum ${node.name} (${node.symbols.join(', ')})`,
          );
        w.writeLong(i);
      };
    }
    case 'bytes':
    case 'fixed': {
      const size = node.type === 'fixed' ? node.size : undefined;
      if (source.kind === 'BYTES') {
        if (size === undefined) return (w, v) => w.writeBytes(v as Uint8Array);
        return (w, v) => {
          const b = v as Uint8Array;
          if (b.length !== size)
            throw new AvroValueError(`${path}: ${b.length} bytes for a fixed of ${size}`);
          w.writeRaw(b);
        };
      }
      if (source.kind === 'DECIMAL' && node.logicalType === 'decimal') {
        const scale = node.scale ?? 0;
        const precision = node.precision ?? 64;
        return (w, v) => {
          const bytes = twosComplementOf(fitDecimal(v as Decimal, precision, scale).unscaled, size);
          if (size === undefined) w.writeBytes(bytes);
          else w.writeRaw(bytes);
        };
      }
      break;
    }
    case 'array': {
      if (source.kind !== 'ARRAY') break;
      const item = compileAvroWriter(node.items, source.element, `${path}[]`);
      return (w, v) => {
        const a = v as readonly SqlValue[];
        if (a.length > 0) {
          w.writeLong(a.length);
          for (const x of a) item(w, x);
        }
        w.writeLong(0);
      };
    }
    case 'map': {
      if (source.kind !== 'MAP' || source.key.kind !== 'STRING') break;
      const value = compileAvroWriter(node.values, source.value, `${path}{}`);
      return (w, v) => {
        const m = v as ReadonlyMap<SqlValue, SqlValue>;
        if (m.size > 0) {
          w.writeLong(m.size);
          for (const [k, x] of m) {
            if (k === null) throw new AvroValueError(`${path}: a map key is null; Avro map keys are strings`);
            w.writeString(k as string);
            value(w, x);
          }
        }
        w.writeLong(0);
      };
    }
    case 'record': {
      if (source.kind !== 'STRUCT') break;
      const names = source.fields.map((f) => f.name);
      const steps = recordSteps(node.fields, names, (i, f) =>
        compileAvroWriter(f.type, source.fields[i].type, `${path}.${f.name}`),
      );
      return (w, v) => {
        const s = v as StructValue;
        for (const step of steps) step.write(w, step.index < 0 ? null : (s[names[step.index]] ?? null));
      };
    }
  }
  throw mismatch(path, node, source);
}

interface WriteStep {
  readonly index: number;
  readonly write: AvroWrite;
}

/** For each field of the schema, the column (or struct field) it takes, by name ignoring case. */
function recordSteps(
  fields: readonly { name: string; type: AvroNode; hasDefault: boolean; default?: unknown }[],
  names: readonly string[],
  compile: (index: number, field: { name: string; type: AvroNode }) => AvroWrite,
): WriteStep[] {
  const folded = new Map<string, number>();
  names.forEach((n, i) => {
    if (!folded.has(n.toUpperCase())) folded.set(n.toUpperCase(), i);
  });
  return fields.map((f) => {
    const index =
      names.indexOf(f.name) >= 0 ? names.indexOf(f.name) : (folded.get(f.name.toUpperCase()) ?? -1);
    if (index >= 0) return { index, write: compile(index, f) };
    // A field no column fills: null when the schema allows it, else the record cannot be written.
    const nullable =
      f.type.type === 'null' || (f.type.type === 'union' && f.type.branches.some((b) => b.type === 'null'));
    if (!nullable)
      throw new FormatSchemaError(
        `The schema's field '${f.name}' (${describeAvro(f.type)}) has no column of that name and does not take null`,
      );
    const nullIndex = f.type.type === 'union' ? f.type.branches.findIndex((b) => b.type === 'null') : -1;
    return { index: -1, write: (w: AvroWriter) => (nullIndex >= 0 ? w.writeLong(nullIndex) : undefined) };
  });
}

/** Writes a whole row: as a record whose fields take the columns by name, or the single column alone. */
export function compileAvroRowWriter(
  node: AvroNode,
  columns: readonly SerdeColumn[],
  wrapped: boolean,
): (w: AvroWriter, row: readonly SqlValue[]) => void {
  if (!wrapped) {
    const write = compileAvroWriter(node, columns[0].type, columns[0].name);
    return (w, row) => write(w, row[0]);
  }
  const record =
    node.type === 'record'
      ? node
      : node.type === 'union'
        ? node.branches.find((b) => b.type === 'record')
        : undefined;
  if (record?.type !== 'record')
    throw new FormatSchemaError(
      `The schema is ${describeAvro(node)}, not a record: it cannot hold ${columns.length} columns`,
    );
  const steps = recordSteps(
    record.fields,
    columns.map((c) => c.name),
    (i, f) => compileAvroWriter(f.type, columns[i].type, f.name),
  );
  const branch = record === node ? -1 : (node as { branches: readonly AvroNode[] }).branches.indexOf(record);
  return (w, row) => {
    if (branch >= 0) w.writeLong(branch);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      step.write(w, step.index < 0 ? null : row[step.index]);
    }
  };
}
