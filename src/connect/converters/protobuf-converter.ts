import type { Schema } from '../api/index.js';
import { connectToProto, protoReader } from './protobuf-data.js';
import {
  type ReaderSchema,
  RegistryConverter,
  type RegistryFormat,
  type WriterSchema,
} from './registry-converter.js';

/** Protobuf under Confluent's ProtobufData mapping (see protobuf-data.ts), with message indexes. */
const PROTOBUF: RegistryFormat = {
  schemaType: 'PROTOBUF',
  converter: 'ProtobufConverter',
  label: 'Protobuf',
  fromConnectSchema(schema: Schema): WriterSchema {
    const writer = connectToProto(schema);
    return {
      text: writer.text,
      recordName: schema.type === 'STRUCT' ? writer.messageName : undefined,
      references: writer.references,
      encode: writer.encode,
    };
  },
  fromRegisteredSchema(text: string, references): ReaderSchema {
    return protoReader(text, references);
  },
};

/** io.confluent.connect.protobuf.ProtobufConverter. */
export class ProtobufConverter extends RegistryConverter {
  constructor() {
    super(PROTOBUF);
  }
}
