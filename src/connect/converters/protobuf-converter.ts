import { ConfigDef } from '../../config/index.js';
import type { Schema } from '../api/index.js';
import { connectToProto, type ProtoNullables, protoReader } from './protobuf-data.js';
import {
  type ReaderSchema,
  RegistryConverter,
  type RegistryFormat,
  type WriterSchema,
} from './registry-converter.js';

/** Protobuf under Confluent's ProtobufData mapping (see protobuf-data.ts), with message indexes. */
function protobufFormat(options: { nullables: ProtoNullables }): RegistryFormat {
  return {
    schemaType: 'PROTOBUF',
    converter: 'ProtobufConverter',
    label: 'Protobuf',
    fromConnectSchema(schema: Schema): WriterSchema {
      const writer = connectToProto(schema, options.nullables);
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
}

/** The registry converters' settings and ProtobufConverter's own ones for nullable fields. */
const PROTOBUF_CONFIG_DEF = (() => {
  const def = new ConfigDef();
  for (const key of RegistryConverter.CONFIG_DEF.configKeys()) def.defineUntyped(key);
  return def
    .define({
      name: 'wrapper.for.nullables',
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'LOW',
      documentation:
        'Whether an optional primitive field is written as a google.protobuf wrapper message, so that a null reads back as null.',
    })
    .define({
      name: 'optional.for.nullables',
      type: 'BOOLEAN',
      defaultValue: false,
      importance: 'LOW',
      documentation:
        "Whether an optional primitive field is written as a proto3 'optional' field, so that a null reads back as null.",
    });
})();

/** io.confluent.connect.protobuf.ProtobufConverter. */
export class ProtobufConverter extends RegistryConverter {
  private readonly options: { nullables: ProtoNullables };

  constructor() {
    const options: { nullables: ProtoNullables } = { nullables: 'NONE' };
    super(protobufFormat(options));
    this.options = options;
  }

  override config(): ConfigDef {
    return PROTOBUF_CONFIG_DEF;
  }

  override configure(configs: Readonly<Record<string, string>>, isKey: boolean): void {
    const parsed = PROTOBUF_CONFIG_DEF.parse(configs);
    super.configure(configs, isKey);
    // Both set: the wrapper, which carries presence by itself, as Confluent's ProtobufData prefers it.
    this.options.nullables = parsed['wrapper.for.nullables']
      ? 'WRAPPER'
      : parsed['optional.for.nullables']
        ? 'OPTIONAL'
        : 'NONE';
  }
}
