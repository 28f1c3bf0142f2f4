import type { ConfigKey, Schema } from '../api/index.js';

// Pieces every converter shares: the converter.type key Kafka adds to converter configs, strict
// base64, and a small least-recently-used cache of schemas read from the wire.

/** converter.type: set by the worker (key, value or header); accepted and otherwise unused here. */
export function converterTypeKey(): ConfigKey {
  return {
    name: 'converter.type',
    type: 'STRING',
    defaultValue: null,
    importance: 'LOW',
    documentation: 'How this converter will be used: key, value or header.',
    recommendedValues: ['key', 'value', 'header'],
    validator: (_name, value) => {
      if (typeof value === 'string' && !['key', 'value', 'header'].includes(value.toLowerCase()))
        throw new Error('String must be one of: key, value, header');
    },
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Standard base64 (padding optional), or undefined for text that is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text) || text.length % 4 === 1) return undefined;
  if (text.includes('=') && text.length % 4 !== 0) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Least-recently-used map from schema JSON text to the Schema read from it. */
export class SchemaCache {
  private readonly entries = new Map<string, Schema>();
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get(key: string): Schema | undefined {
    const schema = this.entries.get(key);
    if (schema !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, schema);
    }
    return schema;
  }

  set(key: string, schema: Schema): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, schema);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}
