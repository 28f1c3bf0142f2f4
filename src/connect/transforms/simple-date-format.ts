import { DataException } from '../api/index.js';

/**
 * java.text.SimpleDateFormat patterns in UTC, as TimestampConverter and TimestampRouter use them:
 * G y Y M L d D E u a H k K h m s S z Z X and quoted text. Parsing is lenient like Java's default
 * (out-of-range fields roll over) and, like DateFormat.parse(String), ignores trailing text.
 */

interface Literal {
  readonly kind: 'literal';
  readonly text: string;
}
interface PatternField {
  readonly kind: 'field';
  readonly letter: string;
  readonly count: number;
  /** Followed directly by a numeric field, so parsing takes exactly `count` digits. */
  readonly fixedWidth: boolean;
}
type Item = Literal | PatternField;

const LETTERS = 'GyYMLdDEuaHkKhmsSzZX';
const NUMERIC = 'yYdDuHkKhmsS';
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export class SimpleDateFormat {
  readonly pattern: string;
  private readonly items: readonly Item[];

  /** Throws an Error with Java's message ("Illegal pattern character 'q'") for a bad pattern. */
  constructor(pattern: string) {
    this.pattern = pattern;
    this.items = compile(pattern);
  }

  format(epochMs: number): string {
    const d = new Date(epochMs);
    let out = '';
    for (const item of this.items) out += item.kind === 'literal' ? item.text : formatField(item, d);
    return out;
  }

  /** Epoch milliseconds; a DataException when the text does not match. */
  parse(text: string): number {
    const f = {
      year: 1970,
      month: 0,
      day: 1,
      hour: 0,
      hour12: -1,
      pm: false,
      minute: 0,
      second: 0,
      ms: 0,
      offset: 0,
      dayOfYear: -1,
      bc: false,
    };
    let pos = 0;
    const fail = () =>
      new DataException(
        `Could not parse timestamp: value (${text}) does not match pattern (${this.pattern})`,
      );
    for (const item of this.items) {
      if (item.kind === 'literal') {
        if (!text.startsWith(item.text, pos)) throw fail();
        pos += item.text.length;
        continue;
      }
      const r = parseField(item, text, pos, f);
      if (r < 0) throw fail();
      pos = r;
    }
    const hour = f.hour12 >= 0 ? f.hour12 + (f.pm ? 12 : 0) : f.hour;
    const year = f.bc ? 1 - f.year : f.year;
    const date = new Date(0);
    if (f.dayOfYear >= 0) date.setUTCFullYear(year, 0, f.dayOfYear);
    else date.setUTCFullYear(year, f.month, f.day);
    date.setUTCHours(hour, f.minute, f.second, f.ms);
    return date.getTime() - f.offset;
  }
}

function compile(pattern: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        items.push({ kind: 'literal', text: "'" });
        i += 2;
        continue;
      }
      let text = '';
      i++;
      for (;;) {
        if (i >= pattern.length) throw new Error(`Unterminated quote`);
        if (pattern[i] === "'") {
          if (pattern[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += pattern[i++];
      }
      items.push({ kind: 'literal', text });
    } else if (/[A-Za-z]/.test(c)) {
      if (!LETTERS.includes(c)) throw new Error(`Illegal pattern character '${c}'`);
      let count = 1;
      while (pattern[i + count] === c) count++;
      items.push({ kind: 'field', letter: c, count, fixedWidth: false });
      i += count;
    } else {
      items.push({ kind: 'literal', text: c });
      i++;
    }
  }
  for (let k = 0; k + 1 < items.length; k++) {
    const a = items[k];
    const b = items[k + 1];
    if (a.kind === 'field' && b.kind === 'field' && isNumeric(a) && isNumeric(b))
      items[k] = { ...a, fixedWidth: true };
  }
  return items;
}

function isNumeric(f: PatternField): boolean {
  return NUMERIC.includes(f.letter) || ((f.letter === 'M' || f.letter === 'L') && f.count <= 2);
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

function formatField(f: PatternField, d: Date): string {
  const year = d.getUTCFullYear();
  switch (f.letter) {
    case 'G':
      return year > 0 ? 'AD' : 'BC';
    case 'y':
    case 'Y': {
      const y = year > 0 ? year : 1 - year;
      return f.count === 2 ? pad(y % 100, 2) : pad(y, f.count);
    }
    case 'M':
    case 'L': {
      const m = d.getUTCMonth();
      if (f.count >= 4) return MONTHS[m];
      if (f.count === 3) return MONTHS[m].slice(0, 3);
      return pad(m + 1, f.count);
    }
    case 'd':
      return pad(d.getUTCDate(), f.count);
    case 'D':
      return pad(Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / 86_400_000) + 1, f.count);
    case 'E':
      return f.count >= 4 ? DAYS[d.getUTCDay()] : DAYS[d.getUTCDay()].slice(0, 3);
    case 'u':
      return pad(d.getUTCDay() === 0 ? 7 : d.getUTCDay(), f.count);
    case 'a':
      return d.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'H':
      return pad(d.getUTCHours(), f.count);
    case 'k':
      return pad(d.getUTCHours() === 0 ? 24 : d.getUTCHours(), f.count);
    case 'K':
      return pad(d.getUTCHours() % 12, f.count);
    case 'h':
      return pad(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12, f.count);
    case 'm':
      return pad(d.getUTCMinutes(), f.count);
    case 's':
      return pad(d.getUTCSeconds(), f.count);
    case 'S':
      return pad(d.getUTCMilliseconds(), f.count);
    case 'z':
      return f.count >= 4 ? 'Coordinated Universal Time' : 'UTC';
    case 'Z':
      return '+0000';
    default:
      // X: ISO 8601 zone, 'Z' for UTC.
      return 'Z';
  }
}

interface ParsedFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  hour12: number;
  pm: boolean;
  minute: number;
  second: number;
  ms: number;
  offset: number;
  dayOfYear: number;
  bc: boolean;
}

/** Parses one field at `pos`; returns the new position, or -1 when it does not match. */
function parseField(f: PatternField, text: string, pos: number, out: ParsedFields): number {
  if (isNumeric(f)) {
    const m = f.fixedWidth ? new RegExp(`[+-]?\\d{1,${f.count}}`, 'y') : /[+-]?\d+/y;
    m.lastIndex = pos;
    const match = m.exec(text);
    if (match === null) return -1;
    const n = Number(match[0]);
    const end = pos + match[0].length;
    switch (f.letter) {
      case 'y':
      case 'Y':
        // Two digits under a yy pattern: the century within 80 years before and 20 after now.
        if (f.count <= 2 && match[0].length === 2 && /^\d\d$/.test(match[0])) {
          const now = new Date().getUTCFullYear();
          let y = Math.floor((now - 80) / 100) * 100 + n;
          if (y < now - 80) y += 100;
          out.year = y;
        } else out.year = n;
        break;
      case 'M':
      case 'L':
        out.month = n - 1;
        break;
      case 'd':
        out.day = n;
        break;
      case 'D':
        out.dayOfYear = n;
        break;
      case 'H':
        out.hour = n;
        break;
      case 'k':
        out.hour = n === 24 ? 0 : n;
        break;
      case 'K':
        out.hour12 = n;
        break;
      case 'h':
        out.hour12 = n === 12 ? 0 : n;
        break;
      case 'm':
        out.minute = n;
        break;
      case 's':
        out.second = n;
        break;
      case 'S':
        out.ms = n;
        break;
      default:
        break; // u: day of week, not needed to place the date
    }
    return end;
  }
  const rest = text.slice(pos);
  const word = (choices: readonly string[], short: boolean): [number, number] => {
    for (let i = 0; i < choices.length; i++) {
      for (const candidate of short ? [choices[i], choices[i].slice(0, 3)] : [choices[i]]) {
        if (rest.toLowerCase().startsWith(candidate.toLowerCase())) return [i, candidate.length];
      }
    }
    return [-1, 0];
  };
  switch (f.letter) {
    case 'G': {
      const [i, len] = word(['AD', 'BC'], false);
      if (i < 0) return -1;
      out.bc = i === 1;
      return pos + len;
    }
    case 'M':
    case 'L': {
      const [i, len] = word(MONTHS, true);
      if (i < 0) return -1;
      out.month = i;
      return pos + len;
    }
    case 'E': {
      const [i, len] = word(DAYS, true);
      return i < 0 ? -1 : pos + len;
    }
    case 'a': {
      const [i, len] = word(['AM', 'PM'], false);
      if (i < 0) return -1;
      out.pm = i === 1;
      return pos + len;
    }
    default:
      return parseZone(rest, pos, out);
  }
}

const ZONE = /^(?:Z|(?:GMT|UTC)?([+-])(\d\d):?(\d\d)?|GMT|UTC|Coordinated Universal Time)/;

function parseZone(rest: string, pos: number, out: ParsedFields): number {
  const m = ZONE.exec(rest);
  if (m === null) return -1;
  out.offset =
    m[1] === undefined ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000;
  return pos + m[0].length;
}
