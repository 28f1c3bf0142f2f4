import {
  ConfigDef,
  ConfigException,
  type ConnectRecord,
  type Schema,
  Struct,
  type Transformation,
} from '../api/index.js';
import {
  operatingSchema,
  operatingValue,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordSide,
  requireSchema,
  SchemaUpdateCache,
  withOperating,
} from './support.js';

/** org.apache.kafka.connect.transforms.SetSchemaMetadata$Key/$Value: sets the schema's name and/or version. */
export class SetSchemaMetadata implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({
      name: 'schema.name',
      type: 'STRING',
      defaultValue: null,
      importance: 'HIGH',
      documentation: 'Schema name to set.',
    })
    .define({
      name: 'schema.version',
      type: 'INT',
      defaultValue: null,
      importance: 'HIGH',
      documentation: 'Schema version to set.',
    })
    .define(REPLACE_NULL_WITH_DEFAULT);

  private readonly side: RecordSide;
  private schemaName: string | null = null;
  private schemaVersion: number | null = null;
  private readonly schemaCache = new SchemaUpdateCache();

  constructor(side: RecordSide) {
    this.side = side;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    const parsed = SetSchemaMetadata.CONFIG_DEF.parse(configs);
    this.schemaName = parsed['schema.name'];
    this.schemaVersion = parsed['schema.version'];
    if (this.schemaName === null && this.schemaVersion === null)
      throw new ConfigException([
        { key: 'schema.name', message: 'Neither schema name nor version configured' },
      ]);
    this.schemaCache.clear();
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = requireSchema(operatingSchema(record, this.side), 'updating schema metadata');
    const updatedSchema = this.schemaCache.get(
      schema,
      (s): Schema => ({
        ...s,
        ...(this.schemaName === null ? {} : { name: this.schemaName }),
        ...(this.schemaVersion === null ? {} : { version: this.schemaVersion }),
      }),
    );
    const value = operatingValue(record, this.side);
    let updated = value;
    if (value instanceof Struct) {
      // A struct carries its schema, so it is rebuilt on the renamed one.
      const s = new Struct(updatedSchema);
      for (const f of updatedSchema.fields ?? []) s.put(f.name, value.get(f.name));
      updated = s;
    }
    return withOperating(record, this.side, updatedSchema, updated);
  }

  config(): ConfigDef {
    return SetSchemaMetadata.CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}
