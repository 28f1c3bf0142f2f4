import { FunctionInvocationError } from './function-declaration.js';

/** The text encodings ksqlDB's TO_BYTES, FROM_BYTES and ENCODE accept. */
export type TextEncoding = 'hex' | 'utf8' | 'ascii' | 'base64';

export function textEncoding(functionName: string, name: string): TextEncoding {
  const lower = name.toLowerCase();
  if (lower === 'hex' || lower === 'utf8' || lower === 'ascii' || lower === 'base64') return lower;
  throw new FunctionInvocationError(
    functionName,
    `unsupported encoding '${name}'; use one of hex, utf8, ascii, base64`,
  );
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes text written in `encoding` into bytes, rejecting malformed hex or base64 as Java does. */
export function textToBytes(functionName: string, text: string, encoding: TextEncoding): Buffer {
  switch (encoding) {
    case 'hex': {
      const digits = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
      if (!HEX.test(digits)) throw new FunctionInvocationError(functionName, `'${text}' is not valid hex`);
      return Buffer.from(digits, 'hex');
    }
    case 'base64':
      if (!BASE64.test(text))
        throw new FunctionInvocationError(functionName, `'${text}' is not valid base64`);
      return Buffer.from(text, 'base64');
    case 'ascii':
      return Buffer.from(text, 'latin1');
    case 'utf8':
      return Buffer.from(text, 'utf8');
  }
}

/** Writes bytes as text in `encoding`; bytes outside ASCII read as U+FFFD in 'ascii', as Java decodes them. */
export function bytesToText(bytes: Uint8Array, encoding: TextEncoding): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (encoding) {
    case 'hex':
      return buffer.toString('hex');
    case 'base64':
      return buffer.toString('base64');
    case 'utf8':
      return buffer.toString('utf8');
    case 'ascii': {
      let out = '';
      for (const b of buffer) out += b < 0x80 ? String.fromCharCode(b) : '\ufffd';
      return out;
    }
  }
}
