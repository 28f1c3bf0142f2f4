import {
  type CivilDate,
  civilFromDays,
  dayOfWeek,
  daysFromCivil,
  daysInMonth,
  floorDiv,
  floorMod,
  isLeapYear,
  MS_PER_DAY,
} from './civil-time.js';
import { FunctionInvocationError } from './function-declaration.js';
import { localToEpoch, parseOffset, type TimeZone, timeZone } from './time-zone.js';

/**
 * A compiler for java.time.format.DateTimeFormatter patterns ('yyyy-MM-dd HH:mm:ss.SSS', 'X', quoted
 * text, [optional] sections), so ksqlDB's date and time functions read and write the same text.
 * Week-based fields (Y, w, W, e, c) are not supported and are rejected when the pattern is compiled.
 */

interface Literal {
  readonly kind: 'literal';
  readonly text: string;
}
interface Field {
  readonly kind: 'field';
  readonly letter: string;
  readonly count: number;
  /** Followed directly by another numeric field, so it must take exactly its width when parsing. */
  readonly adjacent: boolean;
}
interface Optional {
  readonly kind: 'optional';
  readonly items: readonly Item[];
}
type Item = Literal | Field | Optional;

export interface DateTimePattern {
  readonly source: string;
  readonly items: readonly Item[];
}

const DATE_LETTERS = 'GuyMLdDEQq';
const TIME_LETTERS = 'aHkKhmsSnNA';
const ZONE_LETTERS = 'XxZzOV';
const NUMERIC_LETTERS = 'uyMLdDHkKhmsSnNAQq';

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
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const compiled = new Map<string, DateTimePattern>();

/** Compiles (and caches) a pattern; an invalid pattern raises a FunctionInvocationError naming `functionName`. */
export function compilePattern(functionName: string, source: string): DateTimePattern {
  let pattern = compiled.get(source);
  if (pattern === undefined) {
    const state = { at: 0 };
    const items = compileItems(functionName, source, state, false);
    pattern = { source, items };
    if (compiled.size > 1000) compiled.clear();
    compiled.set(source, pattern);
  }
  return pattern;
}

function compileItems(functionName: string, source: string, state: { at: number }, nested: boolean): Item[] {
  const items: Item[] = [];
  const fail = (why: string): never => {
    throw new FunctionInvocationError(functionName, `invalid pattern '${source}': ${why}`);
  };
  while (state.at < source.length) {
    const c = source[state.at];
    if (c === "'") {
      let text = '';
      state.at++;
      if (source[state.at] === "'") {
        items.push({ kind: 'literal', text: "'" });
        state.at++;
        continue;
      }
      for (;;) {
        if (state.at >= source.length) fail('unclosed quote');
        if (source[state.at] === "'") {
          if (source[state.at + 1] === "'") {
            text += "'";
            state.at += 2;
            continue;
          }
          state.at++;
          break;
        }
        text += source[state.at++];
      }
      items.push({ kind: 'literal', text });
    } else if (c === '[') {
      state.at++;
      items.push({ kind: 'optional', items: compileItems(functionName, source, state, true) });
    } else if (c === ']') {
      if (!nested) fail("']' without '['");
      state.at++;
      return items;
    } else if (/[A-Za-z]/.test(c)) {
      let count = 1;
      while (source[state.at + count] === c) count++;
      state.at += count;
      if (!(DATE_LETTERS + TIME_LETTERS + ZONE_LETTERS).includes(c))
        fail(`pattern letter '${c}' is not supported`);
      if (c === 'V' && count !== 2) fail("pattern letter 'V' must be 'VV'");
      items.push({ kind: 'field', letter: c, count, adjacent: false });
    } else if (c === '{' || c === '}' || c === '#') {
      fail(`'${c}' is reserved`);
    } else {
      items.push({ kind: 'literal', text: c });
      state.at++;
    }
  }
  if (nested) fail("'[' without ']'");
  markAdjacent(items);
  return items;
}

/** Java parses adjacent numeric fields ('yyyyMMdd') at their fixed widths. */
function markAdjacent(items: Item[]): void {
  for (let i = 0; i + 1 < items.length; i++) {
    const a = items[i];
    const b = items[i + 1];
    if (
      a.kind === 'field' &&
      b.kind === 'field' &&
      NUMERIC_LETTERS.includes(a.letter) &&
      NUMERIC_LETTERS.includes(b.letter)
    ) {
      items[i] = { ...a, adjacent: true };
    }
  }
}

/** What a value being formatted provides: a DATE has no time or zone, a TIME no date or zone. */
export type TemporalKind = 'TIMESTAMP' | 'DATE' | 'TIME';

function letterAvailable(letter: string, kind: TemporalKind): boolean {
  if (kind === 'TIMESTAMP') return true;
  if (kind === 'DATE') return DATE_LETTERS.includes(letter);
  return TIME_LETTERS.includes(letter);
}

const FIELD_NAMES: Record<string, string> = {
  G: 'Era',
  u: 'Year',
  y: 'YearOfEra',
  M: 'MonthOfYear',
  L: 'MonthOfYear',
  d: 'DayOfMonth',
  D: 'DayOfYear',
  E: 'DayOfWeek',
  Q: 'QuarterOfYear',
  q: 'QuarterOfYear',
  a: 'AmPmOfDay',
  H: 'HourOfDay',
  k: 'ClockHourOfDay',
  K: 'HourOfAmPm',
  h: 'ClockHourOfAmPm',
  m: 'MinuteOfHour',
  s: 'SecondOfMinute',
  S: 'NanoOfSecond',
  n: 'NanoOfSecond',
  N: 'NanoOfDay',
  A: 'MilliOfDay',
};

/** The broken-down value being formatted, reused between calls. */
interface FormatFields extends CivilDate {
  epochDay: number;
  msOfDay: number;
  offsetMs: number;
  zone: TimeZone | null;
  instant: number;
}

const scratch: FormatFields = {
  year: 1970,
  month: 1,
  day: 1,
  epochDay: 0,
  msOfDay: 0,
  offsetMs: 0,
  zone: null,
  instant: 0,
};

export function formatTimestamp(pattern: DateTimePattern, epochMs: number, zone: TimeZone): string {
  const offset = zone.offsetAt(epochMs);
  const local = epochMs + offset;
  scratch.epochDay = floorDiv(local, MS_PER_DAY);
  scratch.msOfDay = local - scratch.epochDay * MS_PER_DAY;
  civilFromDays(scratch.epochDay, scratch);
  scratch.offsetMs = offset;
  scratch.zone = zone;
  scratch.instant = epochMs;
  return render('FORMAT_TIMESTAMP', pattern, pattern.items, 'TIMESTAMP', scratch);
}

export function formatDate(functionName: string, pattern: DateTimePattern, epochDay: number): string {
  scratch.epochDay = epochDay;
  scratch.msOfDay = 0;
  civilFromDays(epochDay, scratch);
  return render(functionName, pattern, pattern.items, 'DATE', scratch);
}

export function formatTime(functionName: string, pattern: DateTimePattern, msOfDay: number): string {
  scratch.msOfDay = msOfDay;
  return render(functionName, pattern, pattern.items, 'TIME', scratch);
}

function allAvailable(items: readonly Item[], kind: TemporalKind): boolean {
  return items.every((i) =>
    i.kind === 'field'
      ? letterAvailable(i.letter, kind)
      : i.kind === 'optional'
        ? allAvailable(i.items, kind)
        : true,
  );
}

function render(
  functionName: string,
  pattern: DateTimePattern,
  items: readonly Item[],
  kind: TemporalKind,
  f: FormatFields,
): string {
  let out = '';
  for (const item of items) {
    if (item.kind === 'literal') out += item.text;
    else if (item.kind === 'optional') {
      if (allAvailable(item.items, kind)) out += render(functionName, pattern, item.items, kind, f);
    } else {
      if (!letterAvailable(item.letter, kind)) {
        throw new FunctionInvocationError(
          functionName,
          `Unsupported field: ${FIELD_NAMES[item.letter] ?? 'OffsetSeconds'} in pattern '${pattern.source}'`,
        );
      }
      out += renderField(item, f);
    }
  }
  return out;
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  const padded = s.length >= width ? s : '0'.repeat(width - s.length) + s;
  return n < 0 ? '-' + padded : padded;
}

function text(names: readonly string[], index: number, count: number): string {
  const name = names[index];
  return count === 4 ? name : count === 5 ? name[0] : name.slice(0, 3);
}

function renderField(field: Field, f: FormatFields): string {
  const { letter, count } = field;
  const hour = Math.floor(f.msOfDay / 3_600_000);
  switch (letter) {
    case 'G':
      return f.year > 0 ? (count === 4 ? 'Anno Domini' : 'AD') : count === 4 ? 'Before Christ' : 'BC';
    case 'u':
    case 'y': {
      const year = letter === 'y' && f.year <= 0 ? 1 - f.year : f.year;
      if (count === 2) return pad(floorMod(year, 100), 2);
      return count === 1 ? String(year) : pad(year, count);
    }
    case 'M':
    case 'L':
      return count <= 2 ? pad(f.month, count) : text(MONTHS, f.month - 1, count);
    case 'Q':
    case 'q': {
      const quarter = Math.floor((f.month - 1) / 3) + 1;
      return count <= 2
        ? pad(quarter, count)
        : count === 3
          ? `Q${quarter}`
          : `${['1st', '2nd', '3rd', '4th'][quarter - 1]} quarter`;
    }
    case 'd':
      return pad(f.day, count);
    case 'D':
      return pad(f.epochDay - daysFromCivil(f.year, 1, 1) + 1, count);
    case 'E':
      return text(DAYS, dayOfWeek(f.epochDay) - 1, count);
    case 'a':
      return hour < 12 ? 'AM' : 'PM';
    case 'H':
      return pad(hour, count);
    case 'k':
      return pad(hour === 0 ? 24 : hour, count);
    case 'K':
      return pad(hour % 12, count);
    case 'h':
      return pad(hour % 12 === 0 ? 12 : hour % 12, count);
    case 'm':
      return pad(Math.floor(f.msOfDay / 60_000) % 60, count);
    case 's':
      return pad(Math.floor(f.msOfDay / 1000) % 60, count);
    case 'S':
      return (pad(f.msOfDay % 1000, 3) + '000000').slice(0, count);
    case 'n':
      return pad((f.msOfDay % 1000) * 1_000_000, count);
    case 'N':
      return pad(f.msOfDay * 1_000_000, count);
    case 'A':
      return pad(f.msOfDay, count);
    case 'V':
      return f.zone?.id ?? 'UTC';
    case 'z':
      return f.zone ? f.zone.shortName(f.instant) : 'UTC';
    default:
      return renderOffset(letter, count, f.offsetMs);
  }
}

/** X, x, Z and O: the offset in the shapes java.time prints for each letter count. */
function renderOffset(letter: string, count: number, offsetMs: number): string {
  const total = Math.round(offsetMs / 1000);
  if (total === 0 && (letter === 'X' || (letter === 'Z' && count === 5))) return 'Z';
  if (total === 0 && (letter === 'O' || (letter === 'Z' && count === 4))) return 'GMT';
  const sign = total < 0 ? '-' : '+';
  const abs = Math.abs(total);
  const hh = pad(Math.floor(abs / 3600), 2);
  const mm = pad(Math.floor(abs / 60) % 60, 2);
  const ss = abs % 60;
  const seconds = ss === 0 ? '' : pad(ss, 2);
  if (letter === 'O') {
    const short = String(Math.floor(abs / 3600)) + (mm === '00' && !seconds ? '' : `:${mm}`);
    return `GMT${sign}${count === 4 ? `${hh}:${mm}${seconds ? `:${seconds}` : ''}` : short}`;
  }
  if (letter === 'Z') {
    if (count <= 3) return `${sign}${hh}${mm}${seconds}`;
    if (count === 4) return `GMT${sign}${hh}:${mm}${seconds ? `:${seconds}` : ''}`;
    return `${sign}${hh}:${mm}${seconds ? `:${seconds}` : ''}`;
  }
  switch (count) {
    case 1:
      return `${sign}${hh}${mm === '00' ? '' : mm}`;
    case 2:
      return `${sign}${hh}${mm}`;
    case 3:
      return `${sign}${hh}:${mm}`;
    case 4:
      return `${sign}${hh}${mm}${seconds}`;
    default:
      return `${sign}${hh}:${mm}${seconds ? `:${seconds}` : ''}`;
  }
}

/** Fields read from text; anything not read takes ksqlDB's default (1970-01-01 00:00:00.000). */
interface Parsed {
  yearOfEra?: number;
  year?: number;
  twoDigitYear?: boolean;
  bc?: boolean;
  month?: number;
  day?: number;
  dayOfYear?: number;
  hour?: number;
  clockHour24?: number;
  hourOfAmPm?: number;
  clockHourOfAmPm?: number;
  pm?: boolean;
  minute?: number;
  second?: number;
  nanoOfSecond?: number;
  milliOfDay?: number;
  offsetMs?: number;
  zone?: TimeZone;
}

class ParseFailure extends Error {}

function parseItems(
  items: readonly Item[],
  input: string,
  at: number,
  p: Parsed,
  functionName: string,
): number {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item.kind === 'literal') {
      if (!input.startsWith(item.text, at)) throw new ParseFailure(`expected '${item.text}' at index ${at}`);
      at += item.text.length;
    } else if (item.kind === 'optional') {
      const attempt: Parsed = { ...p };
      try {
        at = parseItems(item.items, input, at, attempt, functionName);
        Object.assign(p, attempt);
      } catch (e) {
        if (!(e instanceof ParseFailure)) throw e;
      }
    } else {
      at = parseField(item, input, at, p, functionName);
    }
  }
  return at;
}

function readDigits(input: string, at: number, min: number, max: number): [number, number] {
  let end = at;
  while (end < input.length && end - at < max && input.charCodeAt(end) >= 48 && input.charCodeAt(end) <= 57)
    end++;
  if (end - at < min)
    throw new ParseFailure(`expected ${min === max ? min : `at least ${min}`} digits at index ${at}`);
  return [Number(input.slice(at, end)), end];
}

function readName(input: string, at: number, names: readonly string[], count: number): [number, number] {
  let best = -1;
  let bestLength = 0;
  for (let i = 0; i < names.length; i++) {
    const candidate = count === 4 ? names[i] : count === 5 ? names[i][0] : names[i].slice(0, 3);
    if (
      candidate.length > bestLength &&
      input.slice(at, at + candidate.length).toLowerCase() === candidate.toLowerCase()
    ) {
      best = i;
      bestLength = candidate.length;
    }
  }
  if (best < 0) throw new ParseFailure(`expected a name at index ${at}`);
  return [best, at + bestLength];
}

/** Zone abbreviations people write in timestamps, mapped to the region they name. */
const ZONE_ABBREVIATIONS: Record<string, string> = {
  EDT: 'America/New_York',
  CDT: 'America/Chicago',
  MDT: 'America/Denver',
  PDT: 'America/Los_Angeles',
  CET: 'Europe/Paris',
  CEST: 'Europe/Paris',
  BST: 'Europe/London',
};

function parseField(field: Field, input: string, at: number, p: Parsed, functionName: string): number {
  const { letter, count, adjacent } = field;
  const number = (min: number, max: number): number => {
    const [value, end] = readDigits(input, at, min, max);
    at = end;
    return value;
  };
  const fixedOr = (greedyMax: number) =>
    adjacent || count >= 2 ? number(count, count) : number(1, greedyMax);
  switch (letter) {
    case 'G': {
      const [index, end] = readName(
        input,
        at,
        count === 4 ? ['Before Christ', 'Anno Domini'] : ['BC', 'AD'],
        4,
      );
      p.bc = index === 0;
      return end;
    }
    case 'u':
    case 'y': {
      const value =
        count === 2
          ? number(2, 2)
          : adjacent
            ? number(Math.max(count, 1), Math.max(count, 4))
            : number(count, 10);
      if (letter === 'u') p.year = value;
      else {
        p.yearOfEra = value;
        p.twoDigitYear = count === 2;
      }
      return at;
    }
    case 'M':
    case 'L':
      if (count <= 2) p.month = fixedOr(2);
      else {
        const [index, end] = readName(input, at, MONTHS, count);
        p.month = index + 1;
        at = end;
      }
      return at;
    case 'Q':
    case 'q':
      if (count <= 2) fixedOr(1);
      else at += count === 3 ? 2 : 11;
      return at;
    case 'd':
      p.day = fixedOr(2);
      return at;
    case 'D':
      p.dayOfYear = count >= 3 ? number(3, 3) : fixedOr(3);
      return at;
    case 'E':
      return readName(input, at, DAYS, count)[1];
    case 'a': {
      const [index, end] = readName(input, at, ['AM', 'PM'], 4);
      p.pm = index === 1;
      return end;
    }
    case 'H':
      p.hour = fixedOr(2);
      return at;
    case 'k':
      p.clockHour24 = fixedOr(2);
      return at;
    case 'K':
      p.hourOfAmPm = fixedOr(2);
      return at;
    case 'h':
      p.clockHourOfAmPm = fixedOr(2);
      return at;
    case 'm':
      p.minute = fixedOr(2);
      return at;
    case 's':
      p.second = fixedOr(2);
      return at;
    case 'S': {
      const start = at;
      const value = number(count, count);
      p.nanoOfSecond = value * 10 ** (9 - (at - start));
      return at;
    }
    case 'n':
      p.nanoOfSecond = fixedOr(9);
      return at;
    case 'N':
      p.milliOfDay = Math.floor(fixedOr(14) / 1_000_000);
      return at;
    case 'A':
      p.milliOfDay = fixedOr(8);
      return at;
    case 'z':
    case 'V': {
      const match = /^[A-Za-z][A-Za-z0-9_/+-]*/.exec(input.slice(at));
      if (!match) throw new ParseFailure(`expected a time zone at index ${at}`);
      const id = ZONE_ABBREVIATIONS[match[0]] ?? match[0];
      try {
        p.zone = timeZone(functionName, id);
      } catch {
        throw new ParseFailure(`unknown time zone '${match[0]}' at index ${at}`);
      }
      return at + match[0].length;
    }
    default:
      return parseOffsetField(letter, input, at, p);
  }
}

function parseOffsetField(letter: string, input: string, at: number, p: Parsed): number {
  let rest = input.slice(at);
  let consumed = 0;
  if (rest.startsWith('Z') && letter !== 'x') {
    p.offsetMs = 0;
    return at + 1;
  }
  const gmt = /^(GMT|UTC|UT)/.exec(rest);
  if (gmt && (letter === 'O' || letter === 'Z')) {
    consumed = gmt[0].length;
    rest = rest.slice(consumed);
    if (!/^[+-]/.test(rest)) {
      p.offsetMs = 0;
      return at + consumed;
    }
  }
  const match = /^[+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?/.exec(rest);
  const offset = match ? parseOffset(match[0]) : undefined;
  if (match === null || offset === undefined) throw new ParseFailure(`expected an offset at index ${at}`);
  p.offsetMs = offset;
  return at + consumed + match[0].length;
}

function invalid(field: string, low: number, high: number, value: number): never {
  throw new ParseFailure(`Invalid value for ${field} (valid values ${low} - ${high}): ${value}`);
}

function checkRange(field: string, value: number, low: number, high: number): number {
  if (value < low || value > high) invalid(field, low, high, value);
  return value;
}

/** A parsed text as its date (days since the epoch) and time (ms of day), java.time's SMART resolution. */
function resolve(p: Parsed): { epochDay: number; msOfDay: number } {
  let year = 1970;
  if (p.year !== undefined) year = p.year;
  else if (p.yearOfEra !== undefined) {
    year = p.twoDigitYear ? 2000 + p.yearOfEra : p.yearOfEra;
    if (p.bc) year = 1 - year;
  }
  let epochDay: number;
  if (p.dayOfYear !== undefined && p.month === undefined && p.day === undefined) {
    checkRange('DayOfYear', p.dayOfYear, 1, isLeapYear(year) ? 366 : 365);
    epochDay = daysFromCivil(year, 1, 1) + p.dayOfYear - 1;
  } else {
    const month = checkRange('MonthOfYear', p.month ?? 1, 1, 12);
    const day = checkRange('DayOfMonth', p.day ?? 1, 1, 31);
    // SMART resolution moves day 29-31 back to the month's last day (2021-06-31 → 2021-06-30).
    epochDay = daysFromCivil(year, month, Math.min(day, daysInMonth(year, month)));
  }
  let hour = 0;
  if (p.hour !== undefined) hour = checkRange('HourOfDay', p.hour, 0, 23);
  else if (p.clockHour24 !== undefined) hour = checkRange('ClockHourOfDay', p.clockHour24, 1, 24) % 24;
  else if (p.clockHourOfAmPm !== undefined)
    hour = (checkRange('ClockHourOfAmPm', p.clockHourOfAmPm, 1, 12) % 12) + (p.pm ? 12 : 0);
  else if (p.hourOfAmPm !== undefined) hour = checkRange('HourOfAmPm', p.hourOfAmPm, 0, 11) + (p.pm ? 12 : 0);
  const minute = checkRange('MinuteOfHour', p.minute ?? 0, 0, 59);
  const second = checkRange('SecondOfMinute', p.second ?? 0, 0, 59);
  const ms = Math.floor((p.nanoOfSecond ?? 0) / 1_000_000);
  const msOfDay = p.milliOfDay ?? ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  return { epochDay, msOfDay };
}

function parseAll(functionName: string, pattern: DateTimePattern, input: string): Parsed {
  const p: Parsed = {};
  try {
    const end = parseItems(pattern.items, input, 0, p, functionName);
    if (end !== input.length) throw new ParseFailure(`unparsed text found at index ${end}`);
    return p;
  } catch (e) {
    if (e instanceof ParseFailure) throw failure(functionName, pattern, input, e.message);
    throw e;
  }
}

function failure(
  functionName: string,
  pattern: DateTimePattern,
  input: string,
  why: string,
): FunctionInvocationError {
  return new FunctionInvocationError(
    functionName,
    `Text '${input}' could not be parsed with pattern '${pattern.source}': ${why}`,
  );
}

function resolved(functionName: string, pattern: DateTimePattern, input: string, p: Parsed) {
  try {
    return resolve(p);
  } catch (e) {
    if (e instanceof ParseFailure) throw failure(functionName, pattern, input, e.message);
    throw e;
  }
}

/** Reads a timestamp; an offset or zone in the text wins over `zone`. */
export function parseTimestamp(
  functionName: string,
  pattern: DateTimePattern,
  input: string,
  zone: TimeZone,
): number {
  const p = parseAll(functionName, pattern, input);
  const { epochDay, msOfDay } = resolved(functionName, pattern, input, p);
  const local = epochDay * MS_PER_DAY + msOfDay;
  if (p.offsetMs !== undefined) return local - p.offsetMs;
  return localToEpoch(local, p.zone ?? zone);
}

export function parseDate(functionName: string, pattern: DateTimePattern, input: string): number {
  const p = parseAll(functionName, pattern, input);
  return resolved(functionName, pattern, input, p).epochDay;
}

export function parseTime(functionName: string, pattern: DateTimePattern, input: string): number {
  const p = parseAll(functionName, pattern, input);
  return resolved(functionName, pattern, input, p).msOfDay;
}
