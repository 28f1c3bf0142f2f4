import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  /** 1-based line where the entry starts, for error messages. */
  readonly line: number;
}

export interface PropertiesFile {
  /** Where the text came from (a path, or a label such as `<text>`). */
  readonly origin: string;
  /** Entries in file order; a repeated key keeps its last value, as java.util.Properties does. */
  readonly entries: ReadonlyMap<string, PropertyEntry>;
}

interface LogicalLine {
  readonly text: string;
  readonly line: number;
}

const isBlank = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\f';

function skipBlanks(text: string, from: number): number {
  let i = from;
  while (i < text.length && isBlank(text[i])) i++;
  return i;
}

function endsWithOddBackslashes(text: string): boolean {
  let count = 0;
  for (let i = text.length - 1; i >= 0 && text[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

/**
 * Joins natural lines into logical ones: a line ending in an odd number of backslashes continues
 * on the next, whose leading blanks are dropped. Comment and blank lines are skipped; a comment
 * never continues, even when it ends in a backslash.
 */
function logicalLines(text: string): LogicalLine[] {
  const natural = text.split(/\r\n|\r|\n/);
  const result: LogicalLine[] = [];
  for (let i = 0; i < natural.length; i++) {
    const start = skipBlanks(natural[i], 0);
    const first = natural[i].slice(start);
    if (first === '' || first[0] === '#' || first[0] === '!') continue;
    const startLine = i + 1;
    let joined = first;
    while (endsWithOddBackslashes(joined)) {
      joined = joined.slice(0, -1);
      if (i + 1 >= natural.length) break;
      i++;
      joined += natural[i].slice(skipBlanks(natural[i], 0));
    }
    result.push({ text: joined, line: startLine });
  }
  return result;
}

function decodeEscapes(raw: string, origin: string, line: number): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    i++;
    if (i >= raw.length) break;
    const next = raw[i];
    switch (next) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        const hex = raw.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw new ConfigError(
            'PROPERTIES_SYNTAX',
            origin,
            `${origin}:${line}: malformed \\uXXXX escape '\\u${hex}'. A \\u escape needs exactly four hex digits, e.g. \\u00e9; write \\\\u for a literal backslash-u.`,
          );
        }
        out += String.fromCharCode(Number.parseInt(hex, 16));
        i += 4;
        break;
      }
      default:
        // Any other escaped character stands for itself: \\ \= \: \# \! and "\ " (a space).
        out += next;
    }
  }
  return out;
}

/** Splits a logical line at the first unescaped '=', ':' or blank, as java.util.Properties does. */
function splitEntry(text: string): { rawKey: string; rawValue: string } {
  let keyEnd = 0;
  while (keyEnd < text.length) {
    const ch = text[keyEnd];
    if (ch === '\\') {
      keyEnd += 2;
      continue;
    }
    if (ch === '=' || ch === ':' || isBlank(ch)) break;
    keyEnd++;
  }
  keyEnd = Math.min(keyEnd, text.length);
  let valueStart = skipBlanks(text, keyEnd);
  if (valueStart < text.length && (text[valueStart] === '=' || text[valueStart] === ':')) {
    valueStart = skipBlanks(text, valueStart + 1);
  }
  return { rawKey: text.slice(0, keyEnd), rawValue: text.slice(valueStart) };
}

/** Parses the text of a Java `.properties` file. Trailing blanks of a value are kept, as in Java. */
export function parseProperties(text: string, origin = '<text>'): PropertiesFile {
  const entries = new Map<string, PropertyEntry>();
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (const { text: lineText, line } of logicalLines(body)) {
    const { rawKey, rawValue } = splitEntry(lineText);
    const key = decodeEscapes(rawKey, origin, line);
    const value = decodeEscapes(rawValue, origin, line);
    // Re-inserting moves a repeated key to where its winning value was written.
    entries.delete(key);
    entries.set(key, { key, value, line });
  }
  return { origin, entries };
}

/** Reads a UTF-8 `.properties` file. */
export function readPropertiesFile(path: string): PropertiesFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error && 'code' in cause ? String(cause.code) : String(cause);
    throw new ConfigError(
      'FILE_UNREADABLE',
      path,
      `Cannot read the properties file '${path}' (${reason}). Check the path given to --config and that the file is readable.`,
      { cause },
    );
  }
  return parseProperties(text, path);
}

/** The entries as a plain key → value record. */
export function propertiesToRecord(file: PropertiesFile): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, entry] of file.entries) record[key] = entry.value;
  return record;
}
