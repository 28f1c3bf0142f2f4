/**
 * SQL types after resolution (no named custom types left), shared by the planner, the runtime, the
 * formats and the functions. Plain readonly objects told apart by `kind`.
 */
export type SqlType =
  | { readonly kind: 'BOOLEAN' }
  | { readonly kind: 'INTEGER' }
  | { readonly kind: 'BIGINT' }
  | { readonly kind: 'DOUBLE' }
  | { readonly kind: 'STRING' }
  | { readonly kind: 'BYTES' }
  | { readonly kind: 'DATE' }
  | { readonly kind: 'TIME' }
  | { readonly kind: 'TIMESTAMP' }
  | DecimalType
  | ArrayType
  | MapType
  | StructType;

export interface DecimalType {
  readonly kind: 'DECIMAL';
  readonly precision: number;
  readonly scale: number;
}
export interface ArrayType {
  readonly kind: 'ARRAY';
  readonly element: SqlType;
}
export interface MapType {
  readonly kind: 'MAP';
  readonly key: SqlType;
  readonly value: SqlType;
}
export interface StructType {
  readonly kind: 'STRUCT';
  readonly fields: readonly StructField[];
}
export interface StructField {
  readonly name: string;
  readonly type: SqlType;
}

export type PrimitiveKind =
  | 'BOOLEAN'
  | 'INTEGER'
  | 'BIGINT'
  | 'DOUBLE'
  | 'STRING'
  | 'BYTES'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP';

const primitives = new Map<PrimitiveKind, SqlType>(
  (['BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BYTES', 'DATE', 'TIME', 'TIMESTAMP'] as const).map(
    (k) => [k, Object.freeze({ kind: k })],
  ),
);

/** The shared instance of a primitive type. */
export function primitive(kind: PrimitiveKind): SqlType {
  return primitives.get(kind)!;
}

export const BOOLEAN = primitive('BOOLEAN');
export const INTEGER = primitive('INTEGER');
export const BIGINT = primitive('BIGINT');
export const DOUBLE = primitive('DOUBLE');
export const STRING = primitive('STRING');
export const BYTES = primitive('BYTES');
export const DATE = primitive('DATE');
export const TIME = primitive('TIME');
export const TIMESTAMP = primitive('TIMESTAMP');

export function decimal(precision: number, scale: number): DecimalType {
  return { kind: 'DECIMAL', precision, scale };
}
export function array(element: SqlType): ArrayType {
  return { kind: 'ARRAY', element };
}
export function map(key: SqlType, value: SqlType): MapType {
  return { kind: 'MAP', key, value };
}
export function struct(fields: readonly StructField[]): StructType {
  return { kind: 'STRUCT', fields };
}

/** ksqlDB's spelling of a type, as DESCRIBE and the REST schema strings show it. */
export function formatType(type: SqlType): string {
  switch (type.kind) {
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'ARRAY':
      return `ARRAY<${formatType(type.element)}>`;
    case 'MAP':
      return `MAP<${formatType(type.key)}, ${formatType(type.value)}>`;
    case 'STRUCT':
      return `STRUCT<${type.fields.map((f) => `\`${f.name}\` ${formatType(f.type)}`).join(', ')}>`;
    default:
      return type.kind;
  }
}

export function typesEqual(a: SqlType, b: SqlType): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'DECIMAL':
      return a.precision === (b as DecimalType).precision && a.scale === (b as DecimalType).scale;
    case 'ARRAY':
      return typesEqual(a.element, (b as ArrayType).element);
    case 'MAP':
      return typesEqual(a.key, (b as MapType).key) && typesEqual(a.value, (b as MapType).value);
    case 'STRUCT': {
      const bf = (b as StructType).fields;
      return (
        a.fields.length === bf.length &&
        a.fields.every((f, i) => f.name === bf[i].name && typesEqual(f.type, bf[i].type))
      );
    }
    default:
      return true;
  }
}
