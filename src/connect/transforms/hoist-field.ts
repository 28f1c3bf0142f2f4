import { ConfigDef, type ConnectRecord, Struct, type Transformation } from '../api/index.js';
import {
  operatingSchema,
  operatingValue,
  type RecordSide,
  SchemaUpdateCache,
  structLike,
  withOperating,
} from './support.js';

/** org.apache.kafka.connect.transforms.HoistField$Key/$Value: wraps the key or value in a one-field struct (or map). */
export class HoistField implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef().define({
    name: 'field',
    type: 'STRING',
    importance: 'MEDIUM',
    documentation: 'Field name for the single field that will be created in the resulting Struct or Map.',
  });

  private readonly side: RecordSide;
  private fieldName = '';
  private readonly schemaCache = new SchemaUpdateCache();

  constructor(side: RecordSide) {
    this.side = side;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    this.fieldName = HoistField.CONFIG_DEF.parse(configs).field;
    this.schemaCache.clear();
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = operatingSchema(record, this.side);
    const value = operatingValue(record, this.side);
    if (schema === null) return withOperating(record, this.side, null, new Map([[this.fieldName, value]]));
    const updatedSchema = this.schemaCache.get(schema, (s) =>
      structLike({ type: 'STRUCT', optional: false }, [{ name: this.fieldName, schema: s }]),
    );
    return withOperating(
      record,
      this.side,
      updatedSchema,
      new Struct(updatedSchema).put(this.fieldName, value),
    );
  }

  config(): ConfigDef {
    return HoistField.CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}
