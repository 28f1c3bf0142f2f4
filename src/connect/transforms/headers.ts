import {
  ConfigDef,
  ConfigException,
  type ConnectHeader,
  type ConnectRecord,
  type ConnectValue,
  DataException,
  type Schema,
  Struct,
  type Transformation,
  Validators,
} from '../api/index.js';
import { mapEntries, mapGet, mapLike } from '../converters/index.js';
import { parseLiteral } from './header-literal.js';
import {
  findField,
  nonEmptyList,
  operatingSchema,
  operatingValue,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordSide,
  requireMap,
  requireStruct,
  SchemaUpdateCache,
  structLike,
  withOperating,
} from './support.js';

/** org.apache.kafka.connect.transforms.InsertHeader: adds a header with a literal value. */
export class InsertHeader implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({
      name: 'header',
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'The name of the header.',
      validator: Validators.nonEmptyString(),
    })
    .define({
      name: 'value.literal',
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'The literal value that is to be set as the header value on all records.',
    });

  private header: ConnectHeader = { key: '', schema: null, value: null };

  configure(configs: Readonly<Record<string, string>>): void {
    const parsed = InsertHeader.CONFIG_DEF.parse(configs);
    const literal = parseLiteral(parsed['value.literal']);
    this.header = { key: parsed.header, schema: literal.schema, value: literal.value };
  }

  apply<R extends ConnectRecord>(record: R): R {
    return { ...record, headers: [...record.headers, this.header] };
  }

  config(): ConfigDef {
    return InsertHeader.CONFIG_DEF;
  }

  close(): void {}
}

/** org.apache.kafka.connect.transforms.DropHeaders: removes every header with one of the names. */
export class DropHeaders implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef().define({
    name: 'headers',
    type: 'LIST',
    importance: 'HIGH',
    documentation: 'The name of the headers to be removed.',
    validator: nonEmptyList,
  });

  private names = new Set<string>();

  configure(configs: Readonly<Record<string, string>>): void {
    this.names = new Set(DropHeaders.CONFIG_DEF.parse(configs).headers);
  }

  apply<R extends ConnectRecord>(record: R): R {
    return { ...record, headers: record.headers.filter((h) => !this.names.has(h.key)) };
  }

  config(): ConfigDef {
    return DropHeaders.CONFIG_DEF;
  }

  close(): void {}
}

/** org.apache.kafka.connect.transforms.HeaderFrom$Key/$Value: copies or moves fields into headers. */
export class HeaderFrom implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({
      name: 'fields',
      type: 'LIST',
      importance: 'HIGH',
      documentation: 'Field names in the record whose values are to be copied or moved to headers.',
      validator: nonEmptyList,
    })
    .define({
      name: 'headers',
      type: 'LIST',
      importance: 'HIGH',
      documentation:
        'Header names, in the same order as the field names listed in the fields configuration property.',
      validator: nonEmptyList,
    })
    .define({
      name: 'operation',
      type: 'STRING',
      importance: 'HIGH',
      documentation:
        'Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value).',
      validator: Validators.oneOfIgnoringCase('move', 'copy'),
      recommendedValues: ['move', 'copy'],
    })
    .define(REPLACE_NULL_WITH_DEFAULT);

  private readonly side: RecordSide;
  private fields: readonly string[] = [];
  private headers: readonly string[] = [];
  private move = false;
  private readonly schemaCache = new SchemaUpdateCache();

  constructor(side: RecordSide) {
    this.side = side;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    const parsed = HeaderFrom.CONFIG_DEF.parse(configs);
    this.fields = parsed.fields;
    this.headers = parsed.headers;
    if (this.fields.length !== this.headers.length)
      throw new ConfigException([
        {
          key: 'fields',
          message: "'fields' config must have the same number of elements as 'headers' config.",
        },
      ]);
    this.move = parsed.operation.toLowerCase() === 'move';
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = operatingSchema(record, this.side);
    const value = operatingValue(record, this.side);
    const purpose = `header ${this.move ? 'move' : 'copy'}`;
    const added: ConnectHeader[] = [];
    if (schema === null) {
      const map = requireMap(value, purpose);
      this.fields.forEach((field, i) => {
        added.push({ key: this.headers[i], schema: null, value: mapGet(map, field) });
      });
      const updated = this.move
        ? mapLike(
            map,
            mapEntries(map).filter(([k]) => !this.fields.includes(String(k))) as [string, ConnectValue][],
          )
        : map;
      return { ...withOperating(record, this.side, null, updated), headers: [...record.headers, ...added] };
    }
    const struct = requireStruct(value, purpose);
    this.fields.forEach((field, i) => {
      const f = findField(schema, field);
      if (f === undefined) throw new DataException(`Field does not exist: ${field}`);
      added.push({ key: this.headers[i], schema: f.schema, value: struct.get(field) });
    });
    let updatedSchema: Schema = schema;
    let updated: ConnectValue = struct;
    if (this.move) {
      updatedSchema = this.schemaCache.get(schema, (s) =>
        structLike(
          s,
          (s.fields ?? []).filter((f) => !this.fields.includes(f.name)),
          { optional: s.optional },
        ),
      );
      const moved = new Struct(updatedSchema);
      for (const f of updatedSchema.fields ?? []) moved.put(f.name, struct.get(f.name));
      updated = moved;
    }
    return {
      ...withOperating(record, this.side, updatedSchema, updated),
      headers: [...record.headers, ...added],
    };
  }

  config(): ConfigDef {
    return HeaderFrom.CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}
