/**
 * Splits SQL text into statements at `;` outside quotes, backquotes and comments, the way the
 * shell decides whether what was typed so far is complete. Statements keep their text (comments
 * inside included, so line numbers in server errors still match) and their closing `;`.
 */

type Scan = 'code' | 'single' | 'double' | 'back' | 'lineComment' | 'blockComment';

const CLOSING_QUOTE: Partial<Record<Scan, string>> = { single: "'", double: '"', back: '`' };

export interface SplitResult {
  /** Complete statements, each trimmed and ending with `;`. */
  readonly statements: string[];
  /** Text after the last `;`: empty, or the start of a statement still being typed. */
  readonly rest: string;
}

/** Splits `text`; `rest` is '' when what follows the last statement is only blanks and comments. */
export function splitStatements(text: string): SplitResult {
  const statements: string[] = [];
  let state: Scan = 'code';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const next = text[i + 1];
    switch (state) {
      case 'code':
        if (c === "'") state = 'single';
        else if (c === '"') state = 'double';
        else if (c === '`') state = 'back';
        else if (c === '-' && next === '-') state = 'lineComment';
        else if (c === '/' && next === '*') {
          state = 'blockComment';
          i++;
        } else if (c === ';') {
          const statement = text.slice(start, i + 1).trim();
          if (!isOnlyComments(statement.slice(0, -1))) statements.push(statement);
          start = i + 1;
        }
        break;
      case 'lineComment':
        if (c === '\n') state = 'code';
        break;
      case 'blockComment':
        if (c === '*' && next === '/') {
          state = 'code';
          i++;
        }
        break;
      default:
        // A doubled quote is an escaped quote: the string goes on.
        if (c === CLOSING_QUOTE[state]) {
          if (next === c) i++;
          else state = 'code';
        }
    }
  }
  const rest = text.slice(start);
  return { statements, rest: isOnlyComments(rest) && state !== 'blockComment' ? '' : rest };
}

/** True when `text` holds nothing but whitespace and complete comments. */
export function isOnlyComments(text: string): boolean {
  return stripComments(text).trim() === '';
}

/** Removes `--` and `/* *\/` comments outside quotes; quoted text is kept as is. */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
      out += ' ';
    } else if (c === "'" || c === '"' || c === '`') {
      const end = closingQuote(text, i);
      out += text.slice(i, end);
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The index just after the quote that closes the one at `open` (doubled quotes are escapes). */
function closingQuote(text: string, open: number): number {
  const quote = text[open];
  let i = open + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] !== quote) return i + 1;
      i++;
    }
    i++;
  }
  return text.length;
}

/**
 * Collects typed lines until they hold complete statements; what is left over waits for more
 * lines (the shell shows the continuation prompt meanwhile).
 */
export class StatementBuffer {
  private pending = '';

  /** Adds a line; returns the statements it completed. */
  push(line: string): string[] {
    const { statements, rest } = splitStatements(this.pending === '' ? line : `${this.pending}\n${line}`);
    this.pending = rest;
    return statements;
  }

  get isEmpty(): boolean {
    return this.pending === '';
  }

  clear(): void {
    this.pending = '';
  }
}
