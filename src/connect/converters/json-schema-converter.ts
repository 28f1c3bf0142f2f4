import type { Schema } from '../api/index.js';
import {
  connectToJsonSchema,
  jsonSchemaToConnect,
  jsonTextReader,
  jsonTextWriter,
} from './json-schema-data.js';
import {
  type ReaderSchema,
  RegistryConverter,
  type RegistryFormat,
  type WriterSchema,
} from './registry-converter.js';

/** JSON Schema under Confluent's JsonSchemaData mapping (see json-schema-data.ts); payloads are JSON text. */
const JSON_SCHEMA: RegistryFormat = {
  schemaType: 'JSON',
  converter: 'JsonSchemaConverter',
  label: 'JSON Schema',
  fromConnectSchema(schema: Schema): WriterSchema {
    const write = jsonTextWriter(schema);
    return {
      text: JSON.stringify(connectToJsonSchema(schema)),
      // RecordNameStrategy names JSON subjects after the schema's title.
      recordName: schema.type === 'STRUCT' ? schema.name : undefined,
      encode: (value, header) => {
        const text = write(value);
        const out = Buffer.allocUnsafe(header + Buffer.byteLength(text, 'utf8'));
        out.write(text, header, 'utf8');
        return out;
      },
    };
  },
  fromRegisteredSchema(text: string): ReaderSchema {
    const schema = jsonSchemaToConnect(JSON.parse(text));
    const read = jsonTextReader(schema);
    return {
      schema,
      read: (payload) => ({
        schema,
        value: read(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8')),
      }),
    };
  },
};

/** io.confluent.connect.json.JsonSchemaConverter. */
export class JsonSchemaConverter extends RegistryConverter {
  constructor() {
    super(JSON_SCHEMA);
  }
}
