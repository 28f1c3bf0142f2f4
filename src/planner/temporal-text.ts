// DATE, TIME and TIMESTAMP as text, the way ksqlDB's SqlTimeTypes writes and reads them (UTC).
import { civilFromDays, daysFromCivil, MS_PER_DAY } from '../functions/index.js';
import { EvaluationError } from './compiled-expression.js';

export { daysFromCivil, MS_PER_DAY };

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

/** 'yyyy-MM-dd'. */
export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days, { year: 0, month: 0, day: 0 });
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** 'HH:mm:ss', with '.SSS' only when there are milliseconds (as java.time's ISO_LOCAL_TIME). */
export function formatTime(msOfDay: number): string {
  const ms = msOfDay % 1000;
  const seconds = Math.floor(msOfDay / 1000);
  const text = `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
  return ms === 0 ? text : `${text}.${pad(ms, 3)}`;
}

/** 'yyyy-MM-ddTHH:mm:ss.SSS' in UTC. */
export function formatTimestamp(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  const inDay = ms - days * MS_PER_DAY;
  const seconds = Math.floor(inDay / 1000);
  return (
    `${formatDate(days)}T${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:` +
    `${pad(seconds % 60, 2)}.${pad(inDay % 1000, 3)}`
  );
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const length =
    month === 2 ? (isLeapYear(year) ? 29 : 28) : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= length;
}

function fractionToMs(fraction: string | undefined): number {
  return fraction === undefined ? 0 : Number(`${fraction}00`.slice(0, 3));
}

// Partial timestamps as ksqlDB accepts them: from 'yyyy' down to nanoseconds, with an optional zone.
const TIMESTAMP_TEXT =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Milliseconds since the epoch of a timestamp text; missing parts are the start of the period. */
export function parseTimestamp(text: string): number {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (m) {
    const year = Number(m[1]);
    const month = m[2] === undefined ? 1 : Number(m[2]);
    const day = m[3] === undefined ? 1 : Number(m[3]);
    const hour = m[4] === undefined ? 0 : Number(m[4]);
    const minute = m[5] === undefined ? 0 : Number(m[5]);
    const second = m[6] === undefined ? 0 : Number(m[6]);
    if (validDate(year, month, day) && hour < 24 && minute < 60 && second < 60) {
      const local =
        daysFromCivil(year, month, day) * MS_PER_DAY +
        ((hour * 60 + minute) * 60 + second) * 1000 +
        fractionToMs(m[7]);
      return local - zoneOffsetMs(m[8]);
    }
  }
  throw new EvaluationError(
    `Failed to parse timestamp '${text}': use the format yyyy-MM-dd'T'HH:mm:ss.SSS, optionally with a time zone (Z, +01:00).`,
  );
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a 'yyyy-MM-dd' text. */
export function parseDate(text: string): number {
  const m = DATE_TEXT.exec(text.trim());
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (validDate(year, month, day)) return daysFromCivil(year, month, day);
  }
  throw new EvaluationError(`Failed to parse date '${text}': use the format yyyy-MM-dd.`);
}

const TIME_TEXT = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/** Milliseconds since midnight of an 'HH:mm[:ss[.SSS]]' text. */
export function parseTime(text: string): number {
  const m = TIME_TEXT.exec(text.trim());
  if (m) {
    const [hour, minute, second] = [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])];
    if (hour < 24 && minute < 60 && second < 60) {
      return ((hour * 60 + minute) * 60 + second) * 1000 + fractionToMs(m[4]);
    }
  }
  throw new EvaluationError(`Failed to parse time '${text}': use the format HH:mm:ss.`);
}
