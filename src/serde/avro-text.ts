// An Avro datum shown as text the way Avro's GenericData.toString shows it (what ksqlDB's PRINT
// prints for AVRO records): records and maps as {"name": value, …}, arrays as [a, b], strings and
// enum symbols quoted, bytes as {"bytes": "…"}, fixed as [1, 2], logical types as their raw values.
import { formatDoubleLikeJava } from '../types/index.js';
import { AvroReader } from './avro-binary.js';
import type { AvroNode } from './avro-schema.js';

/** Avro's writeEscapedString: JSON escapes, and \uXXXX for control and some separator characters. */
function quoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x2000 && c <= 0x20ff))
      out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function readText(node: AvroNode, r: AvroReader): string {
  switch (node.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(r.readBoolean());
    case 'int':
    case 'long':
      return String(r.readLong());
    case 'float':
      return formatDoubleLikeJava(r.readFloat());
    case 'double':
      return formatDoubleLikeJava(r.readDouble());
    case 'string':
      return quoted(r.readString());
    case 'bytes':
      return `{"bytes": ${quoted(Buffer.from(r.readBytes()).toString('latin1'))}}`;
    case 'fixed':
      return `[${Array.from(r.readFixedView(node.size), (b) => (b << 24) >> 24).join(', ')}]`;
    case 'enum': {
      const i = r.readInt();
      if (i < 0 || i >= node.symbols.length) throw new Error(`enum index ${i} out of range`);
      return quoted(node.symbols[i]);
    }
    case 'array':
    case 'map': {
      const items: string[] = [];
      for (let n = r.readBlockCount(); n !== 0; n = r.readBlockCount()) {
        for (let i = 0; i < n; i++)
          items.push(
            node.type === 'array'
              ? readText(node.items, r)
              : `${quoted(r.readString())}: ${readText(node.values, r)}`,
          );
      }
      return node.type === 'array' ? `[${items.join(', ')}]` : `{${items.join(', ')}}`;
    }
    case 'record':
      return `{${node.fields.map((f) => `${quoted(f.name)}: ${readText(f.type, r)}`).join(', ')}}`;
    case 'union': {
      const i = r.readInt();
      const branch = node.branches[i];
      if (branch === undefined) throw new Error(`union branch ${i} out of range`);
      return readText(branch, r);
    }
  }
}

/**
 * The Avro binary datum at `offset` of `bytes`, written with `schema`, as text. A top-level string
 * or enum symbol is shown bare, as its Java object's toString shows it. Throws on bytes that end early.
 */
export function avroDatumText(schema: AvroNode, bytes: Uint8Array, offset: number): string {
  const r = new AvroReader();
  r.reset(
    Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    offset,
  );
  let node = schema;
  while (node.type === 'union') {
    const i = r.readInt();
    const branch: AvroNode | undefined = node.branches[i];
    if (branch === undefined) throw new Error(`union branch ${i} out of range`);
    node = branch;
  }
  if (node.type === 'string') return r.readString();
  if (node.type === 'enum') {
    const symbol = node.symbols[r.readInt()];
    if (symbol === undefined) throw new Error('enum index out of range');
    return symbol;
  }
  return readText(node, r);
}
