// A JSON tree that keeps each number's text, so 64-bit integers and exact decimals survive reading
// (JSON.parse would round them to doubles), and a writer that prints such a tree the way Jackson
// prints Kafka Connect's JSON: no spaces, key order kept, control characters as \uXXXX.

/** A JSON number, as written. `integral`: no fraction and no exponent (Jackson's isIntegralNumber). */
export class JsonNumber {
  readonly text: string;
  readonly integral: boolean;
  constructor(text: string) {
    this.text = text;
    this.integral = /^-?\d+$/.test(text);
  }
}

export type JsonNode = null | boolean | string | JsonNumber | JsonNode[] | JsonObject;
export type JsonObject = Map<string, JsonNode>;

/** What the JSON is, in Jackson's JsonNodeType words, for error messages. */
export function jsonNodeType(node: JsonNode | undefined): string {
  if (node === undefined) return 'MISSING';
  if (node === null) return 'NULL';
  if (typeof node === 'boolean') return 'BOOLEAN';
  if (typeof node === 'string') return 'STRING';
  if (node instanceof JsonNumber) return 'NUMBER';
  if (Array.isArray(node)) return 'ARRAY';
  return 'OBJECT';
}

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Parses JSON text. Empty or blank text is `undefined` (Jackson's missing node). */
export function parseJsonTree(text: string): JsonNode | undefined {
  const reader = { text, pos: 0 };
  skipSpace(reader);
  if (reader.pos >= text.length) return undefined;
  const node = readNode(reader, 0);
  skipSpace(reader);
  if (reader.pos < text.length) throw syntax(reader, 'end of input');
  return node;
}

interface Reader {
  readonly text: string;
  pos: number;
}

function syntax(r: Reader, expected: string, at: number = r.pos): JsonSyntaxError {
  const found = at >= r.text.length ? 'end of input' : `'${r.text[at]}'`;
  return new JsonSyntaxError(`Unexpected ${found} at position ${at}: expected ${expected}`);
}

function take(r: Reader, length: number, node: JsonNode): JsonNode {
  r.pos += length;
  return node;
}

function skipSpace(r: Reader): void {
  const t = r.text;
  let c = t.charCodeAt(r.pos);
  while (c === 32 || c === 10 || c === 13 || c === 9) c = t.charCodeAt(++r.pos);
}

const MAX_DEPTH = 1000;

function readNode(r: Reader, depth: number): JsonNode {
  if (depth > MAX_DEPTH) throw new JsonSyntaxError(`JSON nested deeper than ${MAX_DEPTH} levels`);
  skipSpace(r);
  const c = r.text[r.pos];
  if (c === '{') return readObject(r, depth);
  if (c === '[') return readArray(r, depth);
  if (c === '"') return readString(r);
  if (r.text.startsWith('true', r.pos)) return take(r, 4, true);
  if (r.text.startsWith('false', r.pos)) return take(r, 5, false);
  if (r.text.startsWith('null', r.pos)) return take(r, 4, null);
  NUMBER.lastIndex = r.pos;
  const m = NUMBER.exec(r.text);
  if (m === null) throw syntax(r, 'a JSON value');
  r.pos += m[0].length;
  return new JsonNumber(m[0]);
}

function readObject(r: Reader, depth: number): JsonObject {
  const out: JsonObject = new Map();
  r.pos++;
  skipSpace(r);
  if (r.text[r.pos] === '}') return take(r, 1, out) as JsonObject;
  for (;;) {
    skipSpace(r);
    if (r.text[r.pos] !== '"') throw syntax(r, 'a field name');
    const key = readString(r);
    skipSpace(r);
    if (r.text[r.pos] !== ':') throw syntax(r, "':'");
    r.pos++;
    out.set(key, readNode(r, depth + 1));
    skipSpace(r);
    const c = r.text[r.pos++];
    if (c === '}') return out;
    if (c !== ',') throw syntax(r, "',' or '}'", r.pos - 1);
  }
}

function readArray(r: Reader, depth: number): JsonNode[] {
  const out: JsonNode[] = [];
  r.pos++;
  skipSpace(r);
  if (r.text[r.pos] === ']') return take(r, 1, out) as JsonNode[];
  for (;;) {
    out.push(readNode(r, depth + 1));
    skipSpace(r);
    const c = r.text[r.pos++];
    if (c === ']') return out;
    if (c !== ',') throw syntax(r, "',' or ']'", r.pos - 1);
  }
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

function readString(r: Reader): string {
  const t = r.text;
  let pos = r.pos + 1;
  let out = '';
  let start = pos;
  for (;;) {
    const c = t.charCodeAt(pos);
    if (Number.isNaN(c)) throw syntax(r, "closing '\"'", pos);
    if (c === 34) break;
    if (c < 32) throw syntax(r, 'an escaped control character', pos);
    if (c !== 92) {
      pos++;
      continue;
    }
    out += t.slice(start, pos);
    const e = t[pos + 1];
    if (e === 'u') {
      const hex = t.slice(pos + 2, pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw syntax(r, 'four hex digits after \\u', pos);
      out += String.fromCharCode(Number.parseInt(hex, 16));
      pos += 6;
    } else if (e !== undefined && ESCAPES[e] !== undefined) {
      out += ESCAPES[e];
      pos += 2;
    } else throw syntax(r, 'a valid escape', pos);
    start = pos;
  }
  out += t.slice(start, pos);
  r.pos = pos + 1;
  return out;
}

const HEX = '0123456789ABCDEF';

function quote(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 32 && c !== 34 && c !== 92) continue;
    out += s.slice(start, i);
    if (c === 34) out += '\\"';
    else if (c === 92) out += '\\\\';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else out += `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    start = i + 1;
  }
  return `${out}${s.slice(start)}"`;
}

/** Compact JSON text, keys in insertion order. */
export function writeJsonTree(node: JsonNode): string {
  if (node === null) return 'null';
  if (typeof node === 'boolean') return node ? 'true' : 'false';
  if (typeof node === 'string') return quote(node);
  if (node instanceof JsonNumber) return node.text;
  if (Array.isArray(node)) return `[${node.map(writeJsonTree).join(',')}]`;
  const parts: string[] = [];
  for (const [k, v] of node) parts.push(`${quote(k)}:${writeJsonTree(v)}`);
  return `{${parts.join(',')}}`;
}
