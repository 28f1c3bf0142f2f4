import {
  ConfigDef,
  type ConnectRecord,
  type ConnectValue,
  DataException,
  type Field,
  type Schema,
  Struct,
  type Transformation,
} from '../api/index.js';
import { isDecimalValue, isSchemalessMap, mapEntries, mapLike, typeName } from '../converters/index.js';
import {
  operatingSchema,
  operatingValue,
  type RecordSide,
  requireMap,
  requireStruct,
  SchemaUpdateCache,
  structLike,
  withOperating,
} from './support.js';

const PURPOSE = 'flattening';

/** org.apache.kafka.connect.transforms.Flatten$Key/$Value: nested structs (or maps) become top-level fields named a.b.c. */
export class Flatten implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef().define({
    name: 'delimiter',
    type: 'STRING',
    defaultValue: '.',
    importance: 'MEDIUM',
    documentation:
      'Delimiter to insert between field names from the input record when generating field names for the output record',
  });

  private readonly side: RecordSide;
  private delimiter = '.';
  private readonly schemaCache = new SchemaUpdateCache();

  constructor(side: RecordSide) {
    this.side = side;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    this.delimiter = Flatten.CONFIG_DEF.parse(configs).delimiter;
    this.schemaCache.clear();
  }

  private name(prefix: string, field: string): string {
    return prefix === '' ? field : prefix + this.delimiter + field;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = operatingValue(record, this.side);
    if (value === null) return record;
    const schema = operatingSchema(record, this.side);
    if (schema === null) {
      const map = requireMap(value, PURPOSE);
      const out: [string, ConnectValue][] = [];
      this.flattenMap(map, '', out);
      return withOperating(record, this.side, null, mapLike(map, out));
    }
    const struct = requireStruct(value, PURPOSE);
    const updatedSchema = this.schemaCache.get(schema, (s) => {
      const fields: { name: string; schema: Schema }[] = [];
      this.flattenSchema(s, '', s.optional, null, fields);
      return structLike(s, fields);
    });
    const updated = new Struct(updatedSchema);
    this.flattenStruct(struct, '', updated);
    return withOperating(record, this.side, updatedSchema, updated);
  }

  private flattenMap(map: ConnectValue, prefix: string, out: [string, ConnectValue][]): void {
    for (const [k, v] of mapEntries(map as never)) {
      const name = this.name(prefix, String(k));
      if (v === null) out.push([name, null]);
      else if (isSchemalessMap(v) && !isDecimalValue(v)) this.flattenMap(v, name, out);
      else if (v instanceof Struct || v instanceof Date)
        throw new DataException(
          `Flatten transformation does not support ${typeName(v)} for record without schemas (for field ${name}).`,
        );
      else out.push([name, v]);
    }
  }

  private flattenSchema(
    schema: Schema,
    prefix: string,
    optional: boolean,
    parentDefault: Struct | null,
    out: { name: string; schema: Schema }[],
  ): void {
    for (const f of schema.fields ?? []) {
      const name = this.name(prefix, f.name);
      const fieldOptional = optional || f.schema.optional;
      const fieldDefault =
        f.schema.defaultValue ?? (parentDefault === null ? null : parentDefault.get(f.name));
      if (f.schema.type === 'STRUCT') {
        this.flattenSchema(
          f.schema,
          name,
          fieldOptional,
          fieldDefault instanceof Struct ? fieldDefault : null,
          out,
        );
      } else if (f.schema.type === 'MAP') {
        throw new DataException(
          `Flatten transformation does not support MAP for record with schemas (for field ${name}).`,
        );
      } else out.push({ name, schema: leafSchema(f, fieldOptional, fieldDefault) });
    }
  }

  private flattenStruct(struct: Struct, prefix: string, out: Struct): void {
    for (const f of struct.schema.fields ?? []) {
      const name = this.name(prefix, f.name);
      const v = struct.get(f.name);
      if (f.schema.type === 'STRUCT') {
        if (v instanceof Struct) this.flattenStruct(v, name, out);
      } else out.put(name, v);
    }
  }

  config(): ConfigDef {
    return Flatten.CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}

function leafSchema(f: Field, optional: boolean, defaultValue: ConnectValue): Schema {
  const { defaultValue: _drop, ...rest } = f.schema;
  return {
    ...rest,
    optional,
    ...(defaultValue === null || defaultValue === undefined ? {} : { defaultValue }),
  };
}
