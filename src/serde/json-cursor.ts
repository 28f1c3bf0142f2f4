// A position in JSON text with the few scanning steps the schema-compiled readers are built from.
// Readers pull values straight into SQL values, so no intermediate tree is built and number text
// stays available for BIGINT and DECIMAL columns.

/** A failure while reading JSON, with where it happened; turned into a SerdeError at the top. */
export class JsonReadFailure extends Error {
  /** Character offset in the text. */
  readonly at: number;
  /** Field names and `[i]` indexes from the outside in, filled while the failure unwinds. */
  readonly path: string[] = [];
  /** ksqlDB's spelling of the type being read, for coercion failures. */
  readonly expectedType: string | undefined;

  constructor(message: string, at: number, expectedType?: string) {
    super(message);
    this.at = at;
    this.expectedType = expectedType;
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const POWERS_OF_TEN: number[] = [];
// Parsed from text so that each is the exact double.
for (let i = 0; i <= 22; i++) POWERS_OF_TEN.push(Number(`1e${i}`));

/** Jackson's default maximum nesting depth (StreamReadConstraints), which ksqlDB's JSON reading inherits. */
export const MAX_JSON_NESTING_DEPTH = 1000;

export class JsonCursor {
  text = '';
  pos = 0;

  // The number most recently scanned by scanNumber(): its text span, whether it has neither
  // fraction nor exponent, and, when it is such an integer of at most 15 digits, its value.
  numStart = 0;
  numEnd = 0;
  numIntegral = false;
  numSmall = false;
  numValue = 0;
  // For doubles: the first 15 significant digits as an integer, how many digits there were in
  // all, and the power of ten to apply, so short numbers skip string-to-double conversion.
  numMantissa = 0;
  numDigits = 0;
  numExponent = 0;

  /** Containers the current read is inside (for readers that recurse into values; see `enter`). */
  depth = 0;

  reset(text: string, pos: number): void {
    this.text = text;
    this.pos = pos;
    this.depth = 0;
  }

  /**
   * Called by a reader that recurses into the container at the cursor, and `leave` after it: past
   * MAX_JSON_NESTING_DEPTH the record is refused as Jackson refuses it, not read until the stack runs out.
   */
  enter(): void {
    if (++this.depth > MAX_JSON_NESTING_DEPTH) {
      throw this.syntax(
        `nested deeper than ${MAX_JSON_NESTING_DEPTH} levels (the most Jackson reads by default)`,
      );
    }
  }

  leave(): void {
    this.depth--;
  }

  /** Skips whitespace and returns the next character code (NaN at the end). */
  peek(): number {
    const text = this.text;
    let pos = this.pos;
    let c = text.charCodeAt(pos);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++pos);
    this.pos = pos;
    return c;
  }

  syntax(what: string, at: number = this.pos): JsonReadFailure {
    const found = at >= this.text.length ? 'the end of the data' : `'${this.text[at]}'`;
    return new JsonReadFailure(`invalid JSON: ${what}, found ${found} at offset ${at}`, at);
  }

  /** Requires only whitespace after the value. */
  expectEnd(): void {
    if (!Number.isNaN(this.peek())) throw this.syntax('expected the end of the data');
  }

  /** Reads a string; the cursor is on its opening quote. */
  readString(): string {
    const text = this.text;
    const start = this.pos + 1;
    const len = text.length;
    for (let i = start; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return text.slice(start, i);
      }
      if (c === BACKSLASH || c < 32) return this.readEscapedString(start, i);
    }
    throw this.syntax('unterminated string', len);
  }

  private readEscapedString(start: number, from: number): string {
    const text = this.text;
    const len = text.length;
    let out = text.slice(start, from);
    let i = from;
    for (;;) {
      if (i >= len) throw this.syntax('unterminated string', len);
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return out;
      }
      if (c < 32) throw this.syntax('unescaped control character in string', i);
      if (c !== BACKSLASH) {
        let j = i + 1;
        while (j < len) {
          const d = text.charCodeAt(j);
          if (d === QUOTE || d === BACKSLASH || d < 32) break;
          j++;
        }
        out += text.slice(i, j);
        i = j;
        continue;
      }
      const e = text.charCodeAt(i + 1);
      switch (e) {
        case QUOTE:
          out += '"';
          break;
        case BACKSLASH:
          out += '\\';
          break;
        case 47:
          out += '/';
          break;
        case 98:
          out += '\b';
          break;
        case 102:
          out += '\f';
          break;
        case 110:
          out += '\n';
          break;
        case 114:
          out += '\r';
          break;
        case 116:
          out += '\t';
          break;
        case 117: {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.syntax('invalid \\u escape', i);
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 6;
          continue;
        }
        default:
          throw this.syntax('invalid escape', i);
      }
      i += 2;
    }
  }

  /** Scans a number per the JSON grammar; the cursor is on '-' or a digit. */
  scanNumber(): void {
    const text = this.text;
    const start = this.pos;
    let i = start;
    let c = text.charCodeAt(i);
    const negative = c === 45;
    if (negative) c = text.charCodeAt(++i);
    let value = 0;
    if (c === 48) {
      c = text.charCodeAt(++i);
    } else if (c >= 49 && c <= 57) {
      do {
        value = value * 10 + (c - 48);
        c = text.charCodeAt(++i);
      } while (c >= 48 && c <= 57);
    } else {
      throw this.syntax('invalid number', i);
    }
    const intDigits = i - start - (negative ? 1 : 0);
    let mantissa = value;
    let fracDigits = 0;
    let integral = true;
    if (c === 46) {
      integral = false;
      c = text.charCodeAt(++i);
      if (!(c >= 48 && c <= 57)) throw this.syntax('invalid number', i);
      do {
        mantissa = mantissa * 10 + (c - 48);
        fracDigits++;
        c = text.charCodeAt(++i);
      } while (c >= 48 && c <= 57);
    }
    let exponent = 0;
    if ((c | 32) === 101) {
      integral = false;
      c = text.charCodeAt(++i);
      let expNegative = false;
      if (c === 43 || c === 45) {
        expNegative = c === 45;
        c = text.charCodeAt(++i);
      }
      if (!(c >= 48 && c <= 57)) throw this.syntax('invalid number', i);
      do {
        if (exponent < 100_000) exponent = exponent * 10 + (c - 48);
        c = text.charCodeAt(++i);
      } while (c >= 48 && c <= 57);
      if (expNegative) exponent = -exponent;
    }
    this.numStart = start;
    this.numEnd = i;
    this.numIntegral = integral;
    this.numSmall = integral && intDigits <= 15;
    this.numValue = negative ? -value : value;
    this.numMantissa = negative ? -mantissa : mantissa;
    this.numDigits = intDigits + fracDigits;
    this.numExponent = exponent - fracDigits;
    this.pos = i;
  }

  /**
   * The scanned number as the nearest double. With at most 15 digits and a power of ten up to
   * 10^22 both operands are exact doubles, so one multiplication or division rounds correctly.
   */
  numberAsDouble(): number {
    const e = this.numExponent;
    if (this.numDigits <= 15 && e >= -22 && e <= 22) {
      const m = this.numMantissa;
      return e >= 0 ? m * POWERS_OF_TEN[e] : m / POWERS_OF_TEN[-e];
    }
    return Number(this.text.slice(this.numStart, this.numEnd));
  }

  numberText(): string {
    return this.text.slice(this.numStart, this.numEnd);
  }

  /** Reads `true`, `false` or `null`, whichever the cursor is on. */
  readLiteral(): boolean | null {
    const text = this.text;
    const pos = this.pos;
    const c = text.charCodeAt(pos);
    if (c === 116 && text.startsWith('true', pos)) {
      this.pos = pos + 4;
      return true;
    }
    if (c === 102 && text.startsWith('false', pos)) {
      this.pos = pos + 5;
      return false;
    }
    if (c === 110 && text.startsWith('null', pos)) {
      this.pos = pos + 4;
      return null;
    }
    throw this.syntax('unexpected character');
  }

  /**
   * Validates and passes over any value. Iterative, with the open containers on a stack, so a value
   * nested however deep is checked without recursion (no stack overflow on hostile input).
   */
  skipValue(): void {
    const closers: number[] = [];
    for (;;) {
      const c = this.peek();
      if (c === 123 || c === 91) {
        const close = c === 123 ? 125 : 93;
        this.pos++;
        if (this.peek() !== close) {
          closers.push(close);
          if (close === 125) this.skipFieldName();
          continue;
        }
        this.pos++;
      } else if (c === QUOTE) {
        this.readString();
      } else if (c === 45 || (c >= 48 && c <= 57)) {
        this.scanNumber();
      } else {
        this.readLiteral();
      }
      // After a value: close what ends here, or go on to the container's next element.
      for (;;) {
        const close = closers.at(-1);
        if (close === undefined) return;
        const next = this.peek();
        if (next === 44) {
          this.pos++;
          if (close === 125) this.skipFieldName();
          break;
        }
        if (next !== close) throw this.syntax(`expected ',' or '${String.fromCharCode(close)}'`);
        this.pos++;
        closers.pop();
      }
    }
  }

  private skipFieldName(): void {
    if (this.peek() !== QUOTE) throw this.syntax('expected a field name');
    this.readString();
    if (this.peek() !== 58) throw this.syntax("expected ':'");
    this.pos++;
  }

  /** What kind of JSON value starts here, for messages: "a JSON string", … */
  describeValue(): string {
    const c = this.peek();
    if (c === QUOTE) return 'a JSON string';
    if (c === 123) return 'a JSON object';
    if (c === 91) return 'a JSON array';
    if (
      (c === 116 && this.text.startsWith('true', this.pos)) ||
      (c === 102 && this.text.startsWith('false', this.pos))
    ) {
      return 'a JSON boolean';
    }
    if (c === 45 || (c >= 48 && c <= 57)) return 'a JSON number';
    throw this.syntax('expected a value');
  }
}
