// Converters between Connect data and record bytes, found by their Kafka Connect class names.
import type { Converter } from '../api/index.js';
import { AvroConverter } from './avro-converter.js';
import { ByteArrayConverter } from './byte-array-converter.js';
import { JsonConverter } from './json-converter.js';
import { JsonSchemaConverter } from './json-schema-converter.js';
import {
  BooleanConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
} from './number-converters.js';
import { ProtobufConverter } from './protobuf-converter.js';
import { StringConverter } from './string-converter.js';

export {
  fitsSignedBits,
  int64Value,
  isPlainObject,
  isSchemalessMap,
  mapEntries,
  mapGet,
  mapLike,
  type SchemalessMap,
  schemasEqual,
  typeName,
  valuesEqual,
} from './connect-values.js';
export { decodeBase64, encodeBase64 } from './converter-support.js';
export {
  type Decimal,
  decimalAsConnectValue,
  isDecimalValue,
} from './decimal-value.js';
export {
  formatDateLikeConnect,
  formatDecimalLikeJava,
  formatDoubleLikeJava,
  formatFloatLikeJava,
  formatNumberLikeJava,
  javaToString,
} from './java-text.js';
export {
  AvroConverter,
  BooleanConverter,
  ByteArrayConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  JsonConverter,
  JsonSchemaConverter,
  LongConverter,
  ProtobufConverter,
  ShortConverter,
  StringConverter,
};

const CONVERTERS: ReadonlyMap<string, () => Converter> = new Map<string, () => Converter>([
  ['org.apache.kafka.connect.storage.StringConverter', () => new StringConverter()],
  ['org.apache.kafka.connect.converters.ByteArrayConverter', () => new ByteArrayConverter()],
  ['org.apache.kafka.connect.json.JsonConverter', () => new JsonConverter()],
  ['org.apache.kafka.connect.converters.LongConverter', () => new LongConverter()],
  ['org.apache.kafka.connect.converters.IntegerConverter', () => new IntegerConverter()],
  ['org.apache.kafka.connect.converters.ShortConverter', () => new ShortConverter()],
  ['org.apache.kafka.connect.converters.FloatConverter', () => new FloatConverter()],
  ['org.apache.kafka.connect.converters.DoubleConverter', () => new DoubleConverter()],
  ['org.apache.kafka.connect.converters.BooleanConverter', () => new BooleanConverter()],
  ['io.confluent.connect.avro.AvroConverter', () => new AvroConverter()],
  ['io.confluent.connect.json.JsonSchemaConverter', () => new JsonSchemaConverter()],
  ['io.confluent.connect.protobuf.ProtobufConverter', () => new ProtobufConverter()],
]);

/** Kafka Connect's plugin aliases: the simple class name, and that name without "Converter". */
const ALIASES: ReadonlyMap<string, string> = new Map(
  [...CONVERTERS.keys()].flatMap((fqcn) => {
    const simple = fqcn.slice(fqcn.lastIndexOf('.') + 1);
    return [
      [simple, fqcn],
      [simple.replace(/Converter$/, ''), fqcn],
    ] as [string, string][];
  }),
);

export class UnknownConverterError extends Error {
  override readonly name = 'UnknownConverterError';
}

/** The converter classes available, by their fully qualified names. */
export function converterClassNames(): string[] {
  return [...CONVERTERS.keys()];
}

/** A new, unconfigured converter for a Kafka Connect class name (or its alias). */
export function converterByClass(className: string): Converter {
  const name = className.trim();
  const create = CONVERTERS.get(name) ?? CONVERTERS.get(ALIASES.get(name) ?? '');
  if (create === undefined) {
    throw new UnknownConverterError(
      `Converter class ${className} could not be found. Known converters: ${converterClassNames().join(', ')}`,
    );
  }
  return create();
}
