import {
  ConfigDef,
  type ConnectRecord,
  type ConnectValue,
  type Schema,
  Schemas,
  Struct,
  type Transformation,
  timestampSchema,
} from '../api/index.js';
import { mapEntries, mapLike } from '../converters/index.js';
import {
  operatingSchema,
  operatingValue,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordSide,
  requireMap,
  requireSinkRecord,
  requireStruct,
  SchemaUpdateCache,
  structLike,
  withOperating,
} from './support.js';

const PURPOSE = 'field insertion';
const OPTIONALITY_DOC =
  'Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).';

/** A field name with Kafka's optionality suffix: `name!` required, `name?` or `name` optional. */
interface InsertionSpec {
  readonly name: string;
  readonly optional: boolean;
}

function insertionSpec(spec: unknown): InsertionSpec | null {
  if (typeof spec !== 'string') return null;
  if (spec.endsWith('?')) return { name: spec.slice(0, -1), optional: true };
  if (spec.endsWith('!')) return { name: spec.slice(0, -1), optional: false };
  return { name: spec, optional: true };
}

function fieldKey(name: string, documentation: string) {
  return { name, type: 'STRING' as const, defaultValue: null, importance: 'MEDIUM' as const, documentation };
}

/** org.apache.kafka.connect.transforms.InsertField$Key/$Value: adds record metadata or a static field. */
export class InsertField implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef()
    .define(fieldKey('topic.field', `Field name for Kafka topic. ${OPTIONALITY_DOC}`))
    .define(fieldKey('partition.field', `Field name for Kafka partition. ${OPTIONALITY_DOC}`))
    .define(
      fieldKey(
        'offset.field',
        `Field name for Kafka offset - only applicable to sink connectors.<br/>${OPTIONALITY_DOC}`,
      ),
    )
    .define(fieldKey('timestamp.field', `Field name for record timestamp. ${OPTIONALITY_DOC}`))
    .define(fieldKey('static.field', `Field name for static data field. ${OPTIONALITY_DOC}`))
    .define(fieldKey('static.value', 'Static field value, if field name configured.'))
    .define(REPLACE_NULL_WITH_DEFAULT);

  private readonly side: RecordSide;
  private topicField: InsertionSpec | null = null;
  private partitionField: InsertionSpec | null = null;
  private offsetField: InsertionSpec | null = null;
  private timestampField: InsertionSpec | null = null;
  private staticField: InsertionSpec | null = null;
  private staticValue: string | null = null;
  private readonly schemaCache = new SchemaUpdateCache();

  constructor(side: RecordSide) {
    this.side = side;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    const parsed = InsertField.CONFIG_DEF.parse(configs);
    this.topicField = insertionSpec(parsed['topic.field']);
    this.partitionField = insertionSpec(parsed['partition.field']);
    this.offsetField = insertionSpec(parsed['offset.field']);
    this.timestampField = insertionSpec(parsed['timestamp.field']);
    this.staticField = insertionSpec(parsed['static.field']);
    this.staticValue = parsed['static.value'];
    this.schemaCache.clear();
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = operatingValue(record, this.side);
    // Tombstones pass through untouched.
    if (value === null) return record;
    const schema = operatingSchema(record, this.side);
    if (schema === null) {
      const map = requireMap(value, PURPOSE);
      const inserted = this.insertions(record, false);
      const entries = new Map(mapEntries(map).map(([k, v]) => [String(k), v] as [string, ConnectValue]));
      for (const [name, , v] of inserted) entries.set(name, v);
      return withOperating(record, this.side, null, mapLike(map, entries));
    }
    const struct = requireStruct(value, PURPOSE);
    const inserted = this.insertions(record, true);
    const updatedSchema = this.schemaCache.get(schema, (s) => this.updatedSchema(s));
    const updated = new Struct(updatedSchema);
    for (const f of schema.fields ?? []) updated.put(f.name, struct.get(f.name));
    for (const [name, , v] of inserted) updated.put(name, v);
    return withOperating(record, this.side, updatedSchema, updated);
  }

  /** [field, schema, value] for each configured insertion that has a value on this record. */
  private insertions(record: ConnectRecord, withSchema: boolean): [string, Schema, ConnectValue][] {
    const out: [string, Schema, ConnectValue][] = [];
    const t = this.topicField;
    if (t) out.push([t.name, t.optional ? Schemas.OPTIONAL_STRING : Schemas.STRING, record.topic]);
    const p = this.partitionField;
    if (p && record.kafkaPartition !== null)
      out.push([p.name, p.optional ? Schemas.OPTIONAL_INT32 : Schemas.INT32, record.kafkaPartition]);
    const o = this.offsetField;
    if (o)
      out.push([
        o.name,
        o.optional ? Schemas.OPTIONAL_INT64 : Schemas.INT64,
        requireSinkRecord(record, PURPOSE).kafkaOffset,
      ]);
    const ts = this.timestampField;
    if (ts && record.timestamp !== null)
      out.push([
        ts.name,
        timestampSchema(ts.optional),
        withSchema ? new Date(record.timestamp) : record.timestamp,
      ]);
    const s = this.staticField;
    if (s && this.staticValue !== null)
      out.push([s.name, s.optional ? Schemas.OPTIONAL_STRING : Schemas.STRING, this.staticValue]);
    return out;
  }

  private updatedSchema(schema: Schema): Schema {
    const fields = [...(schema.fields ?? [])];
    const add = (spec: InsertionSpec | null, required: Schema, optional: Schema) => {
      if (spec)
        fields.push({ name: spec.name, index: fields.length, schema: spec.optional ? optional : required });
    };
    add(this.topicField, Schemas.STRING, Schemas.OPTIONAL_STRING);
    add(this.partitionField, Schemas.INT32, Schemas.OPTIONAL_INT32);
    add(this.offsetField, Schemas.INT64, Schemas.OPTIONAL_INT64);
    add(this.timestampField, timestampSchema(false), timestampSchema(true));
    add(this.staticField, Schemas.STRING, Schemas.OPTIONAL_STRING);
    return structLike(schema, fields);
  }

  config(): ConfigDef {
    return InsertField.CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}
