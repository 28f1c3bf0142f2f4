import {
  ConfigDef,
  type ConnectValue,
  type Converter,
  DataException,
  type Schema,
  type SchemaAndValue,
  Schemas,
} from '../api/index.js';
import { typeName } from './connect-values.js';
import { converterTypeKey } from './converter-support.js';

/** org.apache.kafka.connect.converters.ByteArrayConverter: bytes pass through unchanged. */
export class ByteArrayConverter implements Converter {
  static readonly CONFIG_DEF = new ConfigDef().define(converterTypeKey());

  configure(configs: Readonly<Record<string, string>>, _isKey: boolean): void {
    ByteArrayConverter.CONFIG_DEF.parse(configs);
  }

  config(): ConfigDef {
    return ByteArrayConverter.CONFIG_DEF;
  }

  fromConnectData(_topic: string, schema: Schema | null, value: ConnectValue): Uint8Array | null {
    if (schema !== null && schema.type !== 'BYTES')
      throw new DataException(`Invalid schema type for ByteArrayConverter: ${schema.type}`);
    if (value !== null && !(value instanceof Uint8Array))
      throw new DataException(`ByteArrayConverter is not compatible with objects of type ${typeName(value)}`);
    return value;
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    return { schema: Schemas.OPTIONAL_BYTES, value: bytes };
  }
}
