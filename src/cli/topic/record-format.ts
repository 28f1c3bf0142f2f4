import type { LogRecord } from '../../log/index.js';

/** Bytes as JSON: UTF-8 text when they are valid UTF-8, otherwise `{"base64": "…"}`; null stays null. */
export type JsonBytes = string | { readonly base64: string } | null;

export interface JsonRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: JsonBytes;
  readonly value: JsonBytes;
  /** An array, not an object: Kafka headers are ordered and a key may repeat. */
  readonly headers: readonly { readonly key: string; readonly value: JsonBytes }[];
}

// fatal: invalid bytes throw instead of becoming U+FFFD; ignoreBOM: a leading BOM is kept, not eaten.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function bytesToJson(bytes: Buffer | null): JsonBytes {
  if (bytes === null) return null;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return { base64: bytes.toString('base64') };
  }
}

export function toJsonRecord(topic: string, partition: number, r: LogRecord): JsonRecord {
  return {
    topic,
    partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: bytesToJson(r.key),
    value: bytesToJson(r.value),
    headers: r.headers.map((h) => ({ key: h.key, value: bytesToJson(h.value) })),
  };
}

export interface RecordFormat {
  readonly json: boolean;
  /** Plain output only: print the key, then `keySeparator`, then the value. */
  readonly printKey: boolean;
  readonly keySeparator: string;
}

/** One line per record, newline included. Plain output prints bytes as UTF-8 and null as "null", like kafka-console-consumer. */
export function formatRecord(topic: string, partition: number, r: LogRecord, format: RecordFormat): string {
  if (format.json) return `${JSON.stringify(toJsonRecord(topic, partition, r))}\n`;
  const value = r.value === null ? 'null' : r.value.toString('utf8');
  if (!format.printKey) return `${value}\n`;
  const key = r.key === null ? 'null' : r.key.toString('utf8');
  return `${key}${format.keySeparator}${value}\n`;
}
