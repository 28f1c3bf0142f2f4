import {
  ConfigDef,
  type ConnectRecord,
  type ConnectValue,
  DataException,
  type Schema,
  Struct,
  type Transformation,
  Validators,
} from '../api/index.js';
import {
  decimalAsConnectValue,
  isSchemalessMap,
  mapEntries,
  mapLike,
  typeName,
} from '../converters/index.js';
import {
  nonEmptyList,
  operatingSchema,
  operatingValue,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordSide,
  requireMap,
  requireStruct,
  withOperating,
} from './support.js';

const PURPOSE = 'mask fields';

type MaskKind = 'BOOLEAN' | 'INTEGER' | 'FLOAT' | 'DECIMAL' | 'DATE' | 'STRING' | 'ARRAY' | 'MAP';

/** Which masked value a field gets: from its schema when there is one, else from its JavaScript type. */
function maskKind(schema: Schema | null, value: ConnectValue): MaskKind | undefined {
  if (schema !== null) {
    if (schema.name === 'org.apache.kafka.connect.data.Decimal') return 'DECIMAL';
    if (schema.name?.startsWith('org.apache.kafka.connect.data.')) return 'DATE';
    switch (schema.type) {
      case 'BOOLEAN':
        return 'BOOLEAN';
      case 'INT8':
      case 'INT16':
      case 'INT32':
      case 'INT64':
        return 'INTEGER';
      case 'FLOAT32':
      case 'FLOAT64':
        return 'FLOAT';
      case 'STRING':
        return 'STRING';
      case 'ARRAY':
        return 'ARRAY';
      case 'MAP':
        return 'MAP';
      default:
        return undefined;
    }
  }
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return 'INTEGER';
  if (typeof value === 'number') return 'FLOAT';
  if (typeof value === 'string') return 'STRING';
  if (value instanceof Date) return 'DATE';
  if (Array.isArray(value)) return 'ARRAY';
  if (isSchemalessMap(value)) return 'MAP';
  return undefined;
}

/** org.apache.kafka.connect.transforms.MaskField$Key/$Value: replaces fields with an empty value or `replacement`. */
export class MaskField implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({
      name: 'fields',
      type: 'LIST',
      importance: 'HIGH',
      documentation: 'Names of fields to mask.',
      validator: nonEmptyList,
    })
    .define({
      name: 'replacement',
      type: 'STRING',
      defaultValue: null,
      importance: 'LOW',
      documentation:
        "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).",
      validator: Validators.nonEmptyString(),
    })
    .define(REPLACE_NULL_WITH_DEFAULT);

  private readonly side: RecordSide;
  private fields = new Set<string>();
  private replacement: string | null = null;

  constructor(side: RecordSide) {
    this.side = side;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    const parsed = MaskField.CONFIG_DEF.parse(configs);
    this.fields = new Set(parsed.fields);
    this.replacement = parsed.replacement;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = operatingValue(record, this.side);
    if (value === null) return record;
    const schema = operatingSchema(record, this.side);
    if (schema === null) {
      const map = requireMap(value, PURPOSE);
      const entries = mapEntries(map).map(
        ([k, v]) =>
          [String(k), this.fields.has(String(k)) ? this.masked(null, v) : v] as [string, ConnectValue],
      );
      return withOperating(record, this.side, null, mapLike(map, entries));
    }
    const struct = requireStruct(value, PURPOSE);
    const updated = new Struct(struct.schema);
    for (const f of struct.schema.fields ?? []) {
      const v = struct.get(f.name);
      updated.put(f.name, this.fields.has(f.name) ? this.masked(f.schema, v) : v);
    }
    return withOperating(record, this.side, schema, updated);
  }

  private masked(schema: Schema | null, value: ConnectValue): ConnectValue {
    if (value === null) return null;
    const kind = maskKind(schema, value);
    if (this.replacement === null) {
      switch (kind) {
        case 'BOOLEAN':
          return false;
        case 'INTEGER':
          return typeof value === 'bigint' ? 0n : 0;
        case 'FLOAT':
          return 0;
        case 'DECIMAL':
          return decimalAsConnectValue({ unscaled: 0n, scale: 0 });
        case 'DATE':
          return new Date(0);
        case 'STRING':
          return '';
        case 'ARRAY':
          return [];
        case 'MAP':
          return value instanceof Map ? new Map() : {};
        default:
          throw new DataException(`Cannot mask value of type: ${typeName(value)}`);
      }
    }
    const r = this.replacement;
    const notNumber = () => new DataException(`Unable to convert ${r} (class java.lang.String) to number`);
    switch (kind) {
      case 'STRING':
        return r;
      case 'INTEGER': {
        if (!/^[+-]?\d+$/.test(r.trim())) throw notNumber();
        return typeof value === 'bigint' ? BigInt(r.trim()) : Number(r.trim());
      }
      case 'FLOAT': {
        const n = Number(r.trim());
        if (r.trim() === '' || Number.isNaN(n)) throw notNumber();
        return n;
      }
      default:
        throw new DataException(`Cannot mask value of type ${typeName(value)} with custom replacement.`);
    }
  }

  config(): ConfigDef {
    return MaskField.CONFIG_DEF;
  }

  close(): void {}
}
