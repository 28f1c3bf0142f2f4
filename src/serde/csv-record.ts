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
 * count, 0 when the text holds no record (nothing but line breaks).
 */
export function readCsvRecord(text: string, delimiter: number, fields: string[]): number {
  const len = text.length;
  let pos = 0;
  // Blank lines before the record are skipped, as Commons CSV ignores empty lines.
  while (pos < len && (text.charCodeAt(pos) === CR || text.charCodeAt(pos) === LF)) pos++;
  if (pos >= len) return 0;
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
      fields[count++] = value;
    } else {
      const start = pos;
      while (pos < len) {
        const c = text.charCodeAt(pos);
        if (c === delimiter || c === CR || c === LF) break;
        pos++;
      }
      fields[count++] = text.slice(start, pos);
    }
    if (pos >= len || text.charCodeAt(pos) !== delimiter) return count;
    pos++;
  }
}

/** Whether a character is an ASCII letter or digit: the only first characters of a record left bare. */
function isAsciiAlphanumeric(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * A field as ksqlDB writes it: Commons CSV 1.4's minimal quoting (the version ksqlDB ships). The
 * first field of a record is quoted when it is empty or starts with anything but an ASCII letter or
 * digit (so a negative number comes out as "-5": that version's bug CSV-171, kept by ksqlDB); any
 * field is quoted when it starts with a character up to '#', contains the delimiter, a quote or a
 * line break, or ends with a character up to a space. An empty field after the first is left bare,
 * so it reads back as NULL, as in ksqlDB.
 */
export function quoteCsvField(value: string, delimiter: number, first: boolean): string {
  const len = value.length;
  if (len === 0) return first ? '""' : '';
  const c0 = value.charCodeAt(0);
  let quote = (first && !isAsciiAlphanumeric(c0)) || c0 <= 35 /* # */ || value.charCodeAt(len - 1) <= 32;
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
