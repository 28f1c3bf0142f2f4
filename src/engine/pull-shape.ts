// A pull query's shape: its text with the string and integer literals taken out, so that key lookups
// that differ only in their key values share one prepared plan. A cheap scan, not the lexer: any text
// it is unsure of (comments, non-ASCII, variables) has no shape and is planned as written.

/** A literal taken out of a statement's text. */
export interface ShapeLiteral {
  readonly kind: 'string' | 'number';
  /** The literal's value: a string's text unescaped, or a number's digits. */
  readonly value: string;
  /** Where the literal's text starts (the opening quote), in the scanned text. */
  readonly start: number;
}

export interface PullShape {
  /** The text with each literal replaced by a marker of its kind. */
  readonly key: string;
  readonly literals: readonly ShapeLiteral[];
}

const QUOTE = 39; // '
const DOUBLE_QUOTE = 34;
const BACKTICK = 96;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A character that continues an identifier (as the lexer's IDENTIFIER_PART, within ASCII), or `.`. */
function joinsNumber(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 64 || c === 46;
}

/** The shape of `sql`, or undefined when the text has comments, variables or non-ASCII characters. */
export function pullShapeOf(sql: string): PullShape | undefined {
  const literals: ShapeLiteral[] = [];
  let key = '';
  let from = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c > 127) return undefined;
    if (c === QUOTE) {
      const start = i;
      let value = '';
      let part = i + 1;
      for (;;) {
        const close = sql.indexOf("'", part);
        if (close < 0) return undefined;
        value += sql.slice(part, close);
        if (sql.charCodeAt(close + 1) !== QUOTE) {
          i = close + 1;
          break;
        }
        value += "'";
        part = close + 2;
      }
      for (let k = start; k < i; k++) if (sql.charCodeAt(k) > 127) return undefined;
      key += `${sql.slice(from, start)}\u0000s`;
      from = i;
      literals.push({ kind: 'string', value, start });
      continue;
    }
    if (c === DOUBLE_QUOTE || c === BACKTICK) {
      const close = sql.indexOf(sql[i], i + 1);
      if (close < 0) return undefined;
      i = close + 1;
      continue;
    }
    if ((c === 45 && sql.charCodeAt(i + 1) === 45) || (c === 47 && sql.charCodeAt(i + 1) === 42)) {
      return undefined; // -- or /* comments
    }
    if (c === 36 && sql.charCodeAt(i + 1) === 123) return undefined; // ${variable}
    if (joinsNumber(c)) {
      const start = i;
      while (i < n && joinsNumber(sql.charCodeAt(i))) i++;
      let digits = true;
      for (let k = start; k < i && digits; k++) digits = isDigit(sql.charCodeAt(k));
      // Only a plain run of digits is a literal here; names, decimals and exponents stay as written.
      if (digits) {
        key += `${sql.slice(from, start)}\u0000n`;
        from = i;
        literals.push({ kind: 'number', value: sql.slice(start, i), start });
      }
      continue;
    }
    i++;
  }
  return { key: key + sql.slice(from), literals };
}
