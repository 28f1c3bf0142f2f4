import {
  ConfigDef,
  type ConnectRecord,
  type ConnectValue,
  DataException,
  Struct,
  type Transformation,
} from '../api/index.js';
import { mapGet, mapLike } from '../converters/index.js';
import {
  findField,
  nonEmptyList,
  REPLACE_NULL_WITH_DEFAULT,
  requireMap,
  requireStruct,
  SchemaUpdateCache,
  structLike,
} from './support.js';

const PURPOSE = 'copying fields from value to key';

/** org.apache.kafka.connect.transforms.ValueToKey: the key becomes a struct (or map) of some value fields. */
export class ValueToKey implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({
      name: 'fields',
      type: 'LIST',
      importance: 'HIGH',
      documentation: 'Field names on the record value to extract as the record key.',
      validator: nonEmptyList,
    })
    .define(REPLACE_NULL_WITH_DEFAULT);

  private fields: readonly string[] = [];
  private readonly schemaCache = new SchemaUpdateCache();

  configure(configs: Readonly<Record<string, string>>): void {
    this.fields = ValueToKey.CONFIG_DEF.parse(configs).fields;
    this.schemaCache.clear();
  }

  apply<R extends ConnectRecord>(record: R): R {
    if (record.valueSchema === null) {
      const map = requireMap(record.value, PURPOSE);
      const key = mapLike(
        map,
        this.fields.map((f) => [f, mapGet(map, f)] as [string, ConnectValue]),
      );
      return { ...record, keySchema: null, key };
    }
    const value = requireStruct(record.value, PURPOSE);
    const keySchema = this.schemaCache.get(value.schema, (s) =>
      structLike(
        { type: 'STRUCT', optional: false },
        this.fields.map((name) => {
          const f = findField(s, name);
          if (f === undefined) throw new DataException(`Field does not exist: ${name}`);
          return { name, schema: f.schema };
        }),
      ),
    );
    const key = new Struct(keySchema);
    for (const name of this.fields) key.put(name, value.get(name));
    return { ...record, keySchema, key, valueSchema: value.schema };
  }

  config(): ConfigDef {
    return ValueToKey.CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}
