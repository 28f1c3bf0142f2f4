import {
  ConfigDef,
  type ConnectValue,
  type Converter,
  DataException,
  type Schema,
  type SchemaAndValue,
  Schemas,
} from '../api/index.js';
import { fitsSignedBits, int64Value, typeName } from './connect-values.js';
import { converterTypeKey } from './converter-support.js';

/**
 * The converters over Kafka's primitive serializers (LongConverter, IntegerConverter, …,
 * BooleanConverter): fixed-width big-endian bytes, read back with an optional schema of the type.
 */
interface NumberLayout {
  /** Kafka's type name, as in "Failed to serialize to a long". */
  readonly typeName: string;
  /** The deserializer's name, as in "Size of data received by LongDeserializer is not 8". */
  readonly deserializer: string;
  readonly size: number;
  readonly schema: Schema;
  write(view: DataView, value: ConnectValue): boolean;
  read(view: DataView): ConnectValue;
}

const CONFIG_DEF = new ConfigDef().define(converterTypeKey());

abstract class FixedWidthConverter implements Converter {
  protected abstract readonly layout: NumberLayout;

  configure(configs: Readonly<Record<string, string>>, _isKey: boolean): void {
    CONFIG_DEF.parse(configs);
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  fromConnectData(_topic: string, schema: Schema | null, value: ConnectValue): Uint8Array | null {
    if (this.layout.typeName === 'boolean' && schema !== null && schema.type !== 'BOOLEAN')
      throw new DataException(`Invalid schema type for BooleanConverter: ${schema.type}`);
    if (value === null) return null;
    const bytes = new Uint8Array(this.layout.size);
    if (!this.layout.write(new DataView(bytes.buffer), value)) {
      if (this.layout.typeName === 'boolean')
        throw new DataException(`BooleanConverter is not compatible with objects of type ${typeName(value)}`);
      throw new DataException(`Failed to serialize to ${this.layout.typeName} (was ${typeName(value)})`);
    }
    return bytes;
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    if (bytes === null) return { schema: this.layout.schema, value: null };
    if (bytes.length !== this.layout.size)
      throw new DataException(
        `Failed to deserialize ${this.layout.typeName}: Size of data received by ${this.layout.deserializer} is not ${this.layout.size}`,
      );
    return {
      schema: this.layout.schema,
      value: this.layout.read(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    };
  }
}

function integer(bits: 16 | 32 | 64, typeName: string, deserializer: string, schema: Schema): NumberLayout {
  return {
    typeName,
    deserializer,
    size: bits / 8,
    schema,
    write(view, value) {
      if ((typeof value !== 'number' && typeof value !== 'bigint') || !fitsSignedBits(value, bits))
        return false;
      if (bits === 16) view.setInt16(0, Number(value));
      else if (bits === 32) view.setInt32(0, Number(value));
      else view.setBigInt64(0, BigInt(value));
      return true;
    },
    read(view) {
      if (bits === 16) return view.getInt16(0);
      if (bits === 32) return view.getInt32(0);
      return int64Value(view.getBigInt64(0));
    },
  };
}

function float(bits: 32 | 64, typeName: string, deserializer: string, schema: Schema): NumberLayout {
  return {
    typeName,
    deserializer,
    size: bits / 8,
    schema,
    write(view, value) {
      if (typeof value !== 'number') return false;
      if (bits === 32) view.setFloat32(0, value);
      else view.setFloat64(0, value);
      return true;
    },
    read: (view) => (bits === 32 ? view.getFloat32(0) : view.getFloat64(0)),
  };
}

const BOOLEAN_LAYOUT: NumberLayout = {
  typeName: 'boolean',
  deserializer: 'BooleanDeserializer',
  size: 1,
  schema: Schemas.OPTIONAL_BOOLEAN,
  write(view, value) {
    if (typeof value !== 'boolean') return false;
    view.setUint8(0, value ? 1 : 0);
    return true;
  },
  read(view) {
    const b = view.getUint8(0);
    if (b > 1)
      throw new DataException(
        `Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: ${b}`,
      );
    return b === 1;
  },
};

/** org.apache.kafka.connect.converters.LongConverter (8 bytes). */
export class LongConverter extends FixedWidthConverter {
  protected readonly layout = integer(64, 'long', 'LongDeserializer', Schemas.OPTIONAL_INT64);
}
/** org.apache.kafka.connect.converters.IntegerConverter (4 bytes). */
export class IntegerConverter extends FixedWidthConverter {
  protected readonly layout = integer(32, 'integer', 'IntegerDeserializer', Schemas.OPTIONAL_INT32);
}
/** org.apache.kafka.connect.converters.ShortConverter (2 bytes). */
export class ShortConverter extends FixedWidthConverter {
  protected readonly layout = integer(16, 'short', 'ShortDeserializer', Schemas.OPTIONAL_INT16);
}
/** org.apache.kafka.connect.converters.FloatConverter (4-byte IEEE 754). */
export class FloatConverter extends FixedWidthConverter {
  protected readonly layout = float(32, 'float', 'FloatDeserializer', Schemas.OPTIONAL_FLOAT32);
}
/** org.apache.kafka.connect.converters.DoubleConverter (8-byte IEEE 754). */
export class DoubleConverter extends FixedWidthConverter {
  protected readonly layout = float(64, 'double', 'DoubleDeserializer', Schemas.OPTIONAL_FLOAT64);
}
/** org.apache.kafka.connect.converters.BooleanConverter (KIP-959): one byte, 0 or 1. */
export class BooleanConverter extends FixedWidthConverter {
  protected readonly layout = BOOLEAN_LAYOUT;
}
