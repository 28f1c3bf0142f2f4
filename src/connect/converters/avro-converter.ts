import type avro from 'avsc';
import type { ConnectValue, Schema } from '../api/index.js';
import {
  ANYTHING_FULL_NAME,
  ANYTHING_SCHEMA_TEXT,
  anythingType,
  fromAnything,
  isAnythingSchema,
  toAnything,
} from './avro-anything.js';
import {
  avroToConnectSchema,
  compileAvroType,
  connectToAvroSchema,
  encoderFor,
  wrappedDecoderFor,
} from './avro-data.js';
import {
  type ReaderSchema,
  RegistryConverter,
  type RegistryFormat,
  type WriterSchema,
} from './registry-converter.js';

/** Avro under Confluent's AvroData mapping (see avro-data.ts), compiled with avsc once per schema. */
const AVRO: RegistryFormat = {
  schemaType: 'AVRO',
  converter: 'AvroConverter',
  label: 'Avro',
  fromConnectSchema(schema: Schema): WriterSchema {
    const json = connectToAvroSchema(schema);
    const type = compileAvroType(json);
    const encode = encoderFor(schema);
    return {
      text: JSON.stringify(json),
      recordName: schema.type === 'STRUCT' ? (type.name ?? undefined) : undefined,
      encode: (value: ConnectValue, header: number) => encodeInto(type, encode(value), header),
    };
  },
  schemaless(): WriterSchema {
    const type = anythingType();
    return {
      text: ANYTHING_SCHEMA_TEXT,
      recordName: ANYTHING_FULL_NAME,
      encode: (value: ConnectValue, header: number) => encodeInto(type, toAnything(value), header),
    };
  },
  fromRegisteredSchema(text: string, references): ReaderSchema {
    const json = JSON.parse(text);
    if (isAnythingSchema(json)) {
      // Written without a Connect schema: read back schemaless, as AvroData does.
      const type = anythingType();
      return {
        schema: null,
        read: (payload) => ({
          schema: null,
          value: fromAnything(
            type.fromBuffer(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)),
          ),
        }),
      };
    }
    const refs = references.map((r) => JSON.parse(r.schema));
    // Read with wrapped unions, so a union of several types says which branch a value took.
    const type = compileAvroType(json, refs, true);
    const schema = avroToConnectSchema(json, refs);
    const decode = wrappedDecoderFor(schema);
    return {
      schema,
      read: (payload) => ({
        schema,
        value: decode(type.fromBuffer(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength))),
      }),
    };
  },
};

/** A scratch buffer avsc encodes into (grown when a record does not fit), copied out once per record. */
let scratch = Buffer.allocUnsafe(64 * 1024);

function encodeInto(type: avro.Type, value: unknown, header: number): Buffer {
  for (;;) {
    const end = type.encode(value, scratch, header);
    if (end >= 0) {
      const out = Buffer.allocUnsafe(end);
      scratch.copy(out, header, header, end);
      return out;
    }
    // avsc answers -(bytes missing): grow and encode again.
    scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
  }
}

/** io.confluent.connect.avro.AvroConverter. */
export class AvroConverter extends RegistryConverter {
  constructor() {
    super(AVRO);
  }
}
