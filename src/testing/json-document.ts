// JSON read without losing anything a test may compare: numbers keep their text, so 10.010 stays
// distinct from 10.01 (ksqlDB compares decimals with their scale) and BIGINTs beyond 2^53 stay exact.

export type JsonNode =
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'object'; readonly fields: readonly JsonField[] };

export interface JsonField {
  readonly name: string;
  readonly value: JsonNode;
}

export const JSON_NULL: JsonNode = Object.freeze({ kind: 'null' });

/** Malformed JSON, with the line and column where reading stopped. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(`${message} at line ${line}, column ${column}`);
    this.line = line;
    this.column = column;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS: readonly [string, JsonNode][] = [
  ['null', JSON_NULL],
  ['true', { kind: 'boolean', value: true }],
  ['false', { kind: 'boolean', value: false }],
];

class JsonReader {
  private readonly text: string;
  private pos = 0;

  constructor(text: string) {
    this.text = text;
  }

  document(): JsonNode {
    const node = this.value();
    this.skipSpace();
    if (this.pos < this.text.length) throw this.fail('Unexpected text after the JSON value');
    return node;
  }

  private fail(message: string): JsonSyntaxError {
    const before = this.text.slice(0, this.pos).split('\n');
    return new JsonSyntaxError(message, before.length, before[before.length - 1].length + 1);
  }

  private skipSpace(): void {
    while (/[ \t\r\n]/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== char) throw this.fail(`Expected '${char}'`);
    this.pos++;
  }

  private value(): JsonNode {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return { kind: 'string', value: this.string() };
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, node] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return node;
      }
    }
    throw this.fail(c === undefined ? 'Unexpected end of the JSON text' : `Unexpected '${c}'`);
  }

  private number(): JsonNode {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) throw this.fail('Malformed number');
    this.pos += match[0].length;
    return { kind: 'number', text: match[0] };
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length && this.text[this.pos] !== '"') {
      this.pos += this.text[this.pos] === '\\' ? 2 : 1;
    }
    if (this.pos >= this.text.length) throw this.fail('Unterminated string');
    this.pos++;
    try {
      // The built-in parser knows every escape and rejects raw control characters.
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      this.pos = start;
      throw this.fail('Malformed string');
    }
  }

  private array(): JsonNode {
    this.pos++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return { kind: 'array', items };
      }
      this.expect(',');
    }
  }

  private object(): JsonNode {
    this.pos++;
    const fields: JsonField[] = [];
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', fields };
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') throw this.fail('Expected a field name in double quotes');
      const name = this.string();
      this.expect(':');
      fields.push({ name, value: this.value() });
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return { kind: 'object', fields };
      }
      this.expect(',');
    }
  }
}

/** Parses one JSON document; throws JsonSyntaxError naming line and column. */
export function parseJsonDocument(text: string): JsonNode {
  return new JsonReader(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).document();
}

/** Compact JSON text; numbers are written exactly as they were read. */
export function printJson(node: JsonNode): string {
  switch (node.kind) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(node.value);
    case 'number':
      return node.text;
    case 'string':
      return JSON.stringify(node.value);
    case 'array':
      return `[${node.items.map(printJson).join(',')}]`;
    case 'object':
      return `{${node.fields.map((f) => `${JSON.stringify(f.name)}:${printJson(f.value)}`).join(',')}}`;
    default: {
      const never: never = node;
      return never;
    }
  }
}

/** The last field called `name` (JSON allows repeats; the last one wins, as in JSON.parse). */
export function fieldOf(node: JsonNode, name: string): JsonNode | undefined {
  if (node.kind !== 'object') return undefined;
  for (let i = node.fields.length - 1; i >= 0; i--)
    if (node.fields[i].name === name) return node.fields[i].value;
  return undefined;
}

/** True for a number written without fraction or exponent. */
export function isIntegralText(text: string): boolean {
  return /^-?\d+$/.test(text);
}
