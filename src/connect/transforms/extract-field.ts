import {
  ConfigDef,
  type ConnectRecord,
  DataException,
  enumValue,
  type Transformation,
  Validators,
} from '../api/index.js';
import { SingleFieldPath } from './field-path.js';
import {
  operatingSchema,
  operatingValue,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordSide,
  requireMapOrNull,
  requireStructOrNull,
  withOperating,
} from './support.js';

const PURPOSE = 'field extraction';

/** org.apache.kafka.connect.transforms.ExtractField$Key/$Value: the key or value becomes one of its fields. */
export class ExtractField implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({ name: 'field', type: 'STRING', importance: 'MEDIUM', documentation: 'Field name to extract.' })
    .define({
      name: 'field.syntax.version',
      type: 'STRING',
      defaultValue: 'V1',
      importance: 'HIGH',
      documentation:
        'Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots. E.g. to access the subfield `baz` from a field named "foo.bar" in a struct/map the following format can be used to access its elements: "`foo.bar`.baz".',
      validator: Validators.oneOfIgnoringCase('V1', 'V2'),
      recommendedValues: ['V1', 'V2'],
    })
    .define(REPLACE_NULL_WITH_DEFAULT);

  private readonly side: RecordSide;
  private path = new SingleFieldPath('', 'V1');
  private originalPath = '';

  constructor(side: RecordSide) {
    this.side = side;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    const parsed = ExtractField.CONFIG_DEF.parse(configs);
    this.originalPath = parsed.field;
    this.path = new SingleFieldPath(
      this.originalPath,
      enumValue(['V1', 'V2'] as const, parsed['field.syntax.version']),
    );
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = operatingSchema(record, this.side);
    const value = operatingValue(record, this.side);
    if (schema === null) {
      const map = requireMapOrNull(value, PURPOSE);
      return withOperating(record, this.side, null, map === null ? null : this.path.valueFromMap(map));
    }
    const struct = requireStructOrNull(value, PURPOSE);
    const field = schema.type === 'STRUCT' ? this.path.fieldFrom(schema) : undefined;
    if (field === undefined) throw new DataException(`Unknown field: ${this.originalPath}`);
    return withOperating(
      record,
      this.side,
      field.schema,
      struct === null ? null : this.path.valueFromStruct(struct),
    );
  }

  config(): ConfigDef {
    return ExtractField.CONFIG_DEF;
  }

  close(): void {}
}
