// One CSV record (RFC 4180 quoting) read and written the way ksqlDB's DELIMITED format does it with
// Apache Commons CSV's default format: '"' quotes, "" escapes a quote, no trimming, and only the
// first record of the text counts.

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Why a CSV record could not be read, and where (a character offset). */
export class CsvSyntaxError extends Error {
  readonly at: number;
  constructor(message: string, at: number) {
    super(message);
    this.at = at;
  }
}

/**
 * Reads the first record of `text` into `fields` (reused between calls) and returns the field
 * count. `quoted[i]` says whether field i was quoted, which tells `""` (empty) from nothing (null).
 */
export function readCsvRecord(text: string, delimiter: number, fields: string[], quoted: boolean[]): number {
  const len = text.length;
  let pos = 0;
  // Blank lines before the record are skipped, as Commons CSV ignores empty lines.
  while (pos < len && (text.charCodeAt(pos) === CR || text.charCodeAt(pos) === LF)) pos++;
  let count = 0;
  for (;;) {
    if (pos < len && text.charCodeAt(pos) === QUOTE) {
      let value = '';
      let chunk = ++pos;
      for (;;) {
        const q = text.indexOf('"', pos);
        if (q < 0) throw new CsvSyntaxError('the quoted field is not closed', chunk - 1);
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += text.slice(chunk, q + 1);
          pos = chunk = q + 2;
          continue;
        }
        value += text.slice(chunk, q);
        pos = q + 1;
        break;
      }
      // Only blanks may sit between a closing quote and the delimiter or the line end.
      while (pos < len) {
        const c = text.charCodeAt(pos);
        if (c === delimiter || c === CR || c === LF) break;
        if (c > 32)
          throw new CsvSyntaxError('invalid character between a closing quote and the delimiter', pos);
        pos++;
      }
      fields[count] = value;
      quoted[count++] = true;
    } else {
      const start = pos;
      while (pos < len) {
        const c = text.charCodeAt(pos);
        if (c === delimiter || c === CR || c === LF) break;
        pos++;
      }
      fields[count] = text.slice(start, pos);
      quoted[count++] = false;
    }
    if (pos >= len || text.charCodeAt(pos) !== delimiter) return count;
    pos++;
  }
}

/**
 * A string field as Commons CSV's minimal quoting writes it: quoted when it contains the delimiter,
 * a quote or a line break, starts with a character up to '#', or ends with one up to a space. The
 * empty string is always quoted here so that it reads back as "" rather than null.
 */
export function quoteCsvField(value: string, delimiter: number): string {
  const len = value.length;
  if (len === 0) return '""';
  let quote = value.charCodeAt(0) <= 35 /* # */ || value.charCodeAt(len - 1) <= 32;
  if (!quote) {
    for (let i = 0; i < len; i++) {
      const c = value.charCodeAt(i);
      if (c === delimiter || c === QUOTE || c === CR || c === LF) {
        quote = true;
        break;
      }
    }
  }
  if (!quote) return value;
  return `"${value.includes('"') ? value.replaceAll('"', '""') : value}"`;
}
