// Readers from Avro binary (written with a writer schema) straight into SQL values of the columns'
// types, compiled once per writer schema: fields matched by name ignoring case (as ksqlDB does),
// fields without a column skipped, promotions as Avro's resolution rules allow, logical types
// (decimal, date, time-millis, timestamp-millis, uuid) mapped to DECIMAL, DATE, TIME, TIMESTAMP, STRING.
import { formatType, type SqlType, type SqlValue } from '../types/index.js';
import { type AvroReader, bigIntFromTwosComplement } from './avro-binary.js';
import { type AvroNode, describeAvro, nullableBranch } from './avro-schema.js';
import { fitDecimal } from './decimal.js';
import type { SerdeColumn } from './format.js';
import { FormatSchemaError } from './serde-error.js';

export type AvroRead = (r: AvroReader) => SqlValue;
type Skip = (r: AvroReader) => void;

/** Raised (per record) when a union branch that cannot be read as the column's type is met. */
export class AvroBranchError extends Error {
  override readonly name = 'AvroBranchError';
}

function mismatch(path: string, writer: AvroNode, target: SqlType): FormatSchemaError {
  return new FormatSchemaError(
    `${path} is ${describeAvro(writer)} in the writer schema, which cannot be read as ${formatType(target)}`,
  );
}

/** Reads a value written as `writer` into `target`; throws FormatSchemaError when it never can. */
export function compileAvroReader(writer: AvroNode, target: SqlType, path: string): AvroRead {
  switch (writer.type) {
    case 'union':
      return unionReader(writer.branches, target, path, writer);
    case 'null':
      return () => null;
    case 'boolean':
      if (target.kind === 'BOOLEAN') return (r) => r.readBoolean();
      break;
    case 'int':
      switch (target.kind) {
        case 'INTEGER':
        case 'DOUBLE':
        case 'DATE':
        case 'TIME':
          return (r) => r.readInt();
        case 'BIGINT':
          return (r) => BigInt(r.readInt());
        case 'TIMESTAMP':
          if (writer.logicalType === 'date') return (r) => r.readInt() * 86_400_000;
          break;
      }
      break;
    case 'long':
      switch (target.kind) {
        case 'BIGINT':
          return (r) => {
            const v = r.readLong();
            return typeof v === 'number' ? BigInt(v) : v;
          };
        case 'TIMESTAMP':
          if (writer.logicalType === 'timestamp-micros' || writer.logicalType === 'local-timestamp-micros')
            return (r) => Math.floor(Number(r.readLong()) / 1000);
          return (r) => Number(r.readLong());
        case 'TIME':
          if (writer.logicalType === 'time-micros') return (r) => Math.floor(Number(r.readLong()) / 1000);
          break;
        case 'DOUBLE':
          return (r) => Number(r.readLong());
      }
      break;
    case 'float':
      if (target.kind === 'DOUBLE') return (r) => r.readFloat();
      break;
    case 'double':
      if (target.kind === 'DOUBLE') return (r) => r.readDouble();
      break;
    case 'string':
      if (target.kind === 'STRING') return (r) => r.readString();
      break;
    case 'enum': {
      if (target.kind !== 'STRING') break;
      const symbols = writer.symbols;
      return (r) => {
        const i = r.readInt();
        const s = symbols[i];
        if (s === undefined)
          throw new AvroBranchError(`enum index ${i} is not one of ${symbols.length} symbols`);
        return s;
      };
    }
    case 'bytes':
    case 'fixed': {
      const read =
        writer.type === 'fixed'
          ? (r: AvroReader) => r.readFixedView(writer.size)
          : (r: AvroReader) => r.readBytesView();
      if (target.kind === 'BYTES') return (r) => new Uint8Array(read(r));
      if (target.kind === 'DECIMAL' && writer.logicalType === 'decimal') {
        const scale = writer.scale ?? 0;
        const { precision, scale: targetScale } = target;
        return (r) =>
          fitDecimal({ unscaled: bigIntFromTwosComplement(read(r)), scale }, precision, targetScale);
      }
      break;
    }
    case 'array': {
      if (target.kind !== 'ARRAY') break;
      const item = compileAvroReader(writer.items, target.element, `${path}[]`);
      return (r) => {
        const out: SqlValue[] = [];
        for (let n = r.readBlockCount(); n !== 0; n = r.readBlockCount())
          for (let i = 0; i < n; i++) out.push(item(r));
        return out;
      };
    }
    case 'map': {
      if (target.kind !== 'MAP' || target.key.kind !== 'STRING') break;
      const value = compileAvroReader(writer.values, target.value, `${path}{}`);
      return (r) => {
        const out = new Map<SqlValue, SqlValue>();
        for (let n = r.readBlockCount(); n !== 0; n = r.readBlockCount())
          for (let i = 0; i < n; i++) {
            const k = r.readString();
            out.set(k, value(r));
          }
        return out;
      };
    }
    case 'record': {
      if (target.kind !== 'STRUCT') break;
      const fields = target.fields;
      const plan = fieldPlan(
        writer.fields,
        fields.map((f) => f.name),
        (i, node, name) => compileAvroReader(node, fields[i].type, `${path}.${name}`),
      );
      return (r) => {
        const out: Record<string, SqlValue> = {};
        for (const f of fields) out[f.name] = null;
        for (const step of plan) {
          if (step.read === undefined) step.skip(r);
          else out[fields[step.index].name] = step.read(r);
        }
        return out;
      };
    }
  }
  throw mismatch(path, writer, target);
}

function unionReader(
  branches: readonly AvroNode[],
  target: SqlType,
  path: string,
  writer: AvroNode,
): AvroRead {
  const nonNull = branches.filter((b) => b.type !== 'null');
  // A union of several types read into a STRUCT with one field per branch (Connect's union struct).
  const asStruct =
    nonNull.length > 1 && target.kind === 'STRUCT'
      ? nonNull.every((b) => target.fields.some((f) => sameName(f.name, branchName(b))))
      : false;
  const readers: AvroRead[] = branches.map((b) => {
    if (b.type === 'null') return () => null;
    if (asStruct && target.kind === 'STRUCT') {
      const field = target.fields.find((f) => sameName(f.name, branchName(b)))!;
      const read = compileAvroReader(b, field.type, `${path}.${field.name}`);
      const names = target.fields.map((f) => f.name);
      return (r) => {
        const out: Record<string, SqlValue> = {};
        for (const n of names) out[n] = null;
        out[field.name] = read(r);
        return out;
      };
    }
    try {
      return compileAvroReader(b, target, path);
    } catch (err) {
      if (!(err instanceof FormatSchemaError)) throw err;
      // Only a record that takes this branch fails; the union as a whole is readable.
      if (nonNull.length === 1) throw mismatch(path, writer, target);
      const message = err.message;
      return () => {
        throw new AvroBranchError(message);
      };
    }
  });
  return (r) => {
    const i = r.readInt();
    const read = readers[i];
    if (read === undefined) throw new AvroBranchError(`${path}: union branch ${i} does not exist`);
    return read(r);
  };
}

/** Connect's name for a union branch: the type's name (`int`, `string`) or a named type's simple name. */
function branchName(node: AvroNode): string {
  if (node.type === 'record' || node.type === 'enum' || node.type === 'fixed')
    return node.name.slice(node.name.lastIndexOf('.') + 1);
  return node.type;
}

function sameName(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

interface FieldStep {
  readonly index: number;
  readonly read: AvroRead | undefined;
  readonly skip: Skip;
}

/** For each writer field, the column it fills (by name, exact first, then ignoring case) or how to skip it. */
function fieldPlan(
  writerFields: readonly { name: string; type: AvroNode }[],
  names: readonly string[],
  compile: (index: number, node: AvroNode, name: string) => AvroRead,
): FieldStep[] {
  const exact = new Map(names.map((n, i) => [n, i]));
  const folded = new Map<string, number>();
  names.forEach((n, i) => {
    if (!folded.has(n.toUpperCase())) folded.set(n.toUpperCase(), i);
  });
  const taken = new Set<number>();
  return writerFields.map((f) => {
    let index = exact.get(f.name) ?? folded.get(f.name.toUpperCase());
    if (index !== undefined && taken.has(index)) index = undefined;
    if (index === undefined) return { index: -1, read: undefined, skip: compileSkipper(f.type) };
    taken.add(index);
    return { index, read: compile(index, f.type, names[index]), skip: noSkip };
  });
}

const noSkip: Skip = () => {};
const skippers = new WeakMap<AvroNode, Skip>();

/** Steps over a value of `node` without building it. */
export function compileSkipper(node: AvroNode): Skip {
  const known = skippers.get(node);
  if (known !== undefined) return known;
  let inner: Skip = noSkip;
  // Set before compiling the children, so a recursive record finds itself.
  const skip: Skip = (r) => inner(r);
  skippers.set(node, skip);
  switch (node.type) {
    case 'null':
      break;
    case 'boolean':
      inner = (r) => r.skip(1);
      break;
    case 'int':
    case 'long':
    case 'enum':
      inner = (r) => {
        r.readLong();
      };
      break;
    case 'float':
      inner = (r) => r.skip(4);
      break;
    case 'double':
      inner = (r) => r.skip(8);
      break;
    case 'bytes':
    case 'string':
      inner = (r) => r.skipBytes();
      break;
    case 'fixed':
      inner = (r) => r.skip(node.size);
      break;
    case 'array':
    case 'map': {
      const item = compileSkipper(node.type === 'array' ? node.items : node.values);
      const isMap = node.type === 'map';
      inner = (r) => {
        for (let n = r.readBlockCount(); n !== 0; n = r.readBlockCount())
          for (let i = 0; i < n; i++) {
            if (isMap) r.skipBytes();
            item(r);
          }
      };
      break;
    }
    case 'record': {
      const fields = node.fields.map((f) => compileSkipper(f.type));
      inner = (r) => {
        for (const f of fields) f(r);
      };
      break;
    }
    case 'union': {
      const branches = node.branches.map(compileSkipper);
      inner = (r) => {
        const b = branches[r.readInt()];
        if (b === undefined) throw new AvroBranchError('a union branch that does not exist');
        b(r);
      };
      break;
    }
  }
  return skip;
}

/**
 * Reads a whole row: for a wrapped row, a record whose fields fill the columns by name (a null
 * record is a null row); otherwise the single column's value on its own.
 */
export function compileAvroRowReader(
  writer: AvroNode,
  columns: readonly SerdeColumn[],
  wrapped: boolean,
  what: string,
): (r: AvroReader) => SqlValue[] | null {
  if (!wrapped) {
    const read = compileAvroReader(writer, columns[0].type, columns[0].name);
    return (r) => [read(r)];
  }
  const record = writer.type === 'record' ? writer : nullableBranch(writer);
  if (record?.type !== 'record')
    throw new FormatSchemaError(
      `${what} is ${describeAvro(writer)}, not a record: a ${columns.length}-column row needs a record (set WRAP_SINGLE_VALUE=false to read one column from an anonymous value)`,
    );
  const n = columns.length;
  const plan = fieldPlan(
    record.fields,
    columns.map((c) => c.name),
    (i, node, name) => compileAvroReader(node, columns[i].type, name),
  );
  const readRecord = (r: AvroReader): SqlValue[] => {
    const row: SqlValue[] = new Array(n).fill(null);
    for (let i = 0; i < plan.length; i++) {
      const step = plan[i];
      if (step.read === undefined) step.skip(r);
      else row[step.index] = step.read(r);
    }
    return row;
  };
  if (record === writer) return readRecord;
  const recordBranch = (writer as { branches: readonly AvroNode[] }).branches.indexOf(record);
  return (r) => (r.readInt() === recordBranch ? readRecord(r) : null);
}
