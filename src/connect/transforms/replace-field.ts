import {
  ConfigDef,
  type ConfigValueType,
  type ConnectRecord,
  type ConnectValue,
  Struct,
  type Transformation,
} from '../api/index.js';
import { mapEntries, mapLike } from '../converters/index.js';
import {
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

const PURPOSE = 'field replacement';

function validRenames(_name: string, value: ConfigValueType): void {
  for (const mapping of Array.isArray(value) ? value : []) {
    if (mapping.split(':').length !== 2) throw new Error(`Invalid rename mapping: ${mapping}`);
  }
}

/** org.apache.kafka.connect.transforms.ReplaceField$Key/$Value: drops, keeps or renames fields. */
export class ReplaceField implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({
      name: 'exclude',
      type: 'LIST',
      defaultValue: [],
      importance: 'MEDIUM',
      documentation: 'Fields to exclude. This takes precedence over the fields to include.',
    })
    .define({
      name: 'include',
      type: 'LIST',
      defaultValue: [],
      importance: 'MEDIUM',
      documentation: 'Fields to include. If specified, only these fields will be used.',
    })
    .define({
      name: 'renames',
      type: 'LIST',
      defaultValue: [],
      importance: 'MEDIUM',
      documentation: 'Field rename mappings.',
      validator: validRenames,
    })
    .define(REPLACE_NULL_WITH_DEFAULT);

  private readonly side: RecordSide;
  private exclude = new Set<string>();
  private include = new Set<string>();
  private renames = new Map<string, string>();
  private readonly schemaCache = new SchemaUpdateCache();

  constructor(side: RecordSide) {
    this.side = side;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    // Kafka still reads the names these keys had before 2.6.
    const props = { ...configs };
    if (props.exclude === undefined && props.blacklist !== undefined) props.exclude = props.blacklist;
    if (props.include === undefined && props.whitelist !== undefined) props.include = props.whitelist;
    const parsed = ReplaceField.CONFIG_DEF.parse(props);
    this.exclude = new Set(parsed.exclude);
    this.include = new Set(parsed.include);
    this.renames = new Map(parsed.renames.map((m) => m.split(':') as [string, string]));
    this.schemaCache.clear();
  }

  private keeps(name: string): boolean {
    return !this.exclude.has(name) && (this.include.size === 0 || this.include.has(name));
  }

  private renamed(name: string): string {
    return this.renames.get(name) ?? name;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = operatingValue(record, this.side);
    if (value === null) return record;
    const schema = operatingSchema(record, this.side);
    if (schema === null) {
      const map = requireMap(value, PURPOSE);
      const kept = mapEntries(map)
        .filter(([k]) => this.keeps(String(k)))
        .map(([k, v]) => [this.renamed(String(k)), v] as [string, ConnectValue]);
      return withOperating(record, this.side, null, mapLike(map, kept));
    }
    const struct = requireStruct(value, PURPOSE);
    const updatedSchema = this.schemaCache.get(schema, (s) =>
      structLike(
        s,
        (s.fields ?? [])
          .filter((f) => this.keeps(f.name))
          .map((f) => ({ name: this.renamed(f.name), schema: f.schema })),
      ),
    );
    const updated = new Struct(updatedSchema);
    for (const f of schema.fields ?? [])
      if (this.keeps(f.name)) updated.put(this.renamed(f.name), struct.get(f.name));
    return withOperating(record, this.side, updatedSchema, updated);
  }

  config(): ConfigDef {
    return ReplaceField.CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}
