import {
  ConfigDef,
  type ConnectValue,
  type Converter,
  type Schema,
  type SchemaAndValue,
  Schemas,
} from '../api/index.js';
import { converterTypeKey } from './converter-support.js';
import { javaToString } from './java-text.js';

/** Java charset names (case-insensitive) this converter can write, with their usual aliases. */
const CHARSETS: Record<string, 'utf8' | 'latin1' | 'ascii' | 'utf16le' | 'utf16be' | 'utf16'> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'iso-8859-1': 'latin1',
  latin1: 'latin1',
  iso8859_1: 'latin1',
  'us-ascii': 'ascii',
  ascii: 'ascii',
  'utf-16le': 'utf16le',
  'utf-16be': 'utf16be',
  'utf-16': 'utf16',
};

/**
 * org.apache.kafka.connect.storage.StringConverter: writes String.valueOf(value) in
 * converter.encoding; reads any bytes as an optional string.
 */
export class StringConverter implements Converter {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({
      name: 'converter.encoding',
      type: 'STRING',
      defaultValue: 'UTF-8',
      importance: 'HIGH',
      documentation: 'The name of the Java character set to use for encoding strings as byte arrays.',
      validator: (_name, value) => {
        if (typeof value === 'string' && CHARSETS[value.trim().toLowerCase()] === undefined)
          throw new Error(
            `Unsupported encoding; supported: ${['UTF-8', 'ISO-8859-1', 'US-ASCII', 'UTF-16', 'UTF-16BE', 'UTF-16LE'].join(', ')}`,
          );
      },
    })
    .define(converterTypeKey());

  private charset: (typeof CHARSETS)[string] = 'utf8';

  configure(configs: Readonly<Record<string, string>>, _isKey: boolean): void {
    const parsed = StringConverter.CONFIG_DEF.parse(configs);
    this.charset = CHARSETS[parsed['converter.encoding'].trim().toLowerCase()];
  }

  config(): ConfigDef {
    return StringConverter.CONFIG_DEF;
  }

  fromConnectData(_topic: string, schema: Schema | null, value: ConnectValue): Uint8Array | null {
    if (value === null) return null;
    return encode(javaToString(value, schema), this.charset);
  }

  toConnectData(_topic: string, bytes: Uint8Array | null): SchemaAndValue {
    return { schema: Schemas.OPTIONAL_STRING, value: bytes === null ? null : decode(bytes, this.charset) };
  }
}

function encode(text: string, charset: (typeof CHARSETS)[string]): Uint8Array {
  switch (charset) {
    case 'utf16be':
      return swapPairs(Buffer.from(text, 'utf16le'));
    case 'utf16':
      // Java's UTF-16 encoder writes a big-endian byte-order mark first.
      return Buffer.concat([Buffer.from([0xfe, 0xff]), swapPairs(Buffer.from(text, 'utf16le'))]);
    case 'ascii':
    case 'latin1': {
      // Characters the charset lacks become '?', as Java's encoders replace them.
      const limit = charset === 'ascii' ? 0x7f : 0xff;
      return Buffer.from(
        text.replace(/[^\0-\xff]|[\x80-\xff]/g, (c) => (c.charCodeAt(0) <= limit ? c : '?')),
        'latin1',
      );
    }
    default:
      return Buffer.from(text, charset);
  }
}

function decode(bytes: Uint8Array, charset: (typeof CHARSETS)[string]): string {
  // Records from the log are Buffers already: a new view per record would only feed the GC.
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (charset) {
    case 'utf16be':
      return swapPairs(Buffer.from(buffer)).toString('utf16le');
    case 'utf16':
      if (buffer[0] === 0xff && buffer[1] === 0xfe) return buffer.subarray(2).toString('utf16le');
      return swapPairs(
        Buffer.from(buffer[0] === 0xfe && buffer[1] === 0xff ? buffer.subarray(2) : buffer),
      ).toString('utf16le');
    case 'ascii':
      return buffer.toString('latin1').replace(/[\x80-\xff]/g, '\ufffd');
    default:
      return buffer.toString(charset);
  }
}

function swapPairs(buffer: Buffer): Buffer {
  const even = buffer.length - (buffer.length % 2);
  const out = Buffer.from(buffer.subarray(0, even));
  out.swap16();
  return out;
}
