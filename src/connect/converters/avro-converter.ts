import type avro from 'avsc';
import type { ConnectValue, Schema } from '../api/index.js';
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
  fromRegisteredSchema(text: string, references): ReaderSchema {
    const json = JSON.parse(text);
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
