import type { SchemaRegistryClient } from '../serde/index.js';
import type { SqlType } from '../types/index.js';

/** What the runtime needs to read or write a stream or table (the engine's DataSource fits it). */
export interface RuntimeSource {
  readonly kind: 'STREAM' | 'TABLE';
  readonly name: string;
  readonly columns: readonly {
    readonly name: string;
    readonly type: SqlType;
    readonly namespace: 'KEY' | 'VALUE' | 'HEADERS';
    readonly headerKey?: string;
  }[];
  readonly topic: string;
  readonly keyFormat: string;
  readonly valueFormat: string;
  readonly serde: {
    readonly wrapSingleValue?: boolean;
    readonly valueDelimiter?: string;
    readonly keyDelimiter?: string;
    /** PROTOBUF_NOSR: how the columns' schema declares nullable primitives. */
    readonly keyProtobufNullable?: 'OPTIONAL' | 'WRAPPER';
    readonly valueProtobufNullable?: 'OPTIONAL' | 'WRAPPER';
    /** For AVRO: where the writer schemas that records name come from. */
    readonly schemaRegistry?: SchemaRegistryClient;
  };
  readonly timestampColumn?: string;
  readonly timestampFormat?: string;
  /**
   * A windowed source: its keys carry a window (Kafka Streams' windowed key layout), read into
   * WINDOWSTART and WINDOWEND after the pseudo columns.
   */
  readonly windowInfo?: { readonly type: 'TUMBLING' | 'HOPPING' | 'SESSION'; readonly sizeMs?: number };
}
