import type { SqlValue } from '../types/index.js';
import { DATE, INTEGER, TIMESTAMP } from '../types/index.js';
import { floorDiv, floorMod, MS_PER_DAY } from './civil-time.js';
import {
  compilePattern,
  formatDate,
  formatTime,
  formatTimestamp,
  parseDate,
  parseTime,
  parseTimestamp,
} from './datetime-pattern.js';
import {
  FunctionInvocationError,
  type Overload,
  param,
  type ScalarFunction,
} from './function-declaration.js';
import { timeZone, UTC } from './time-zone.js';
import { BIGINT_P, DATE_P, INTEGER_P, STRING_P, TIME_P, TIMESTAMP_P, t } from './type-pattern.js';

const str = (v: SqlValue) => v as string;
const num = (v: SqlValue) => v as number;

/**
 * Sluice runs in UTC: where ksqlDB falls back to the JVM's default zone (TIMESTAMPTOSTRING,
 * STRINGTOTIMESTAMP, UNIX_DATE), we use UTC so results do not depend on the host.
 */
const DEFAULT_ZONE = UTC;

const anyNull = (a: readonly SqlValue[]): boolean => {
  for (let i = 0; i < a.length; i++) if (a[i] === null) return true;
  return false;
};

const zoneParam = param(
  'timeZone',
  STRING_P,
  "A java.util.TimeZone ID, e.g. 'UTC', 'America/Los_Angeles', '+05:30'.",
);
const patternParam = param(
  'formatPattern',
  STRING_P,
  "A java.time.format.DateTimeFormatter pattern, e.g. 'yyyy-MM-dd'.",
);

/** Formatting overloads with and without a zone; `toMillis` reads the value (TIMESTAMP number or BIGINT). */
function timestampFormatter(
  name: string,
  input: Overload['params'][number],
  toMillis: (v: SqlValue) => number,
): Overload[] {
  return [
    {
      params: [input, patternParam],
      returns: STRING_P,
      invoke: (a) =>
        anyNull(a) ? null : formatTimestamp(compilePattern(name, str(a[1])), toMillis(a[0]), DEFAULT_ZONE),
    },
    {
      params: [input, patternParam, zoneParam],
      returns: STRING_P,
      invoke: (a) =>
        anyNull(a)
          ? null
          : formatTimestamp(compilePattern(name, str(a[1])), toMillis(a[0]), timeZone(name, str(a[2]))),
    },
  ];
}

function timestampParser(
  name: string,
  fromMillis: (ms: number) => SqlValue,
  returns: typeof STRING_P,
): Overload[] {
  const text = param('text', STRING_P, 'The string to parse.');
  return [
    {
      params: [text, patternParam],
      returns,
      invoke: (a) =>
        anyNull(a)
          ? null
          : fromMillis(parseTimestamp(name, compilePattern(name, str(a[1])), str(a[0]), DEFAULT_ZONE)),
    },
    {
      params: [text, patternParam, zoneParam],
      returns,
      invoke: (a) =>
        anyNull(a)
          ? null
          : fromMillis(
              parseTimestamp(name, compilePattern(name, str(a[1])), str(a[0]), timeZone(name, str(a[2]))),
            ),
    },
  ];
}

/** The milliseconds in one unit, for the units ksqlDB's DATEADD/TIMESTAMPADD take (java.util.concurrent.TimeUnit). */
const UNIT_MILLIS: Record<string, number> = {
  DAYS: MS_PER_DAY,
  HOURS: 3_600_000,
  MINUTES: 60_000,
  SECONDS: 1000,
  MILLISECONDS: 1,
  MICROSECONDS: 0.001,
  NANOSECONDS: 0.000001,
};

function unitMillis(functionName: string, unit: string): number {
  const upper = unit.toUpperCase();
  const ms = UNIT_MILLIS[upper] ?? UNIT_MILLIS[upper + 'S'];
  if (ms === undefined) {
    throw new FunctionInvocationError(
      functionName,
      `unknown time unit '${unit}'; use DAYS, HOURS, MINUTES, SECONDS, MILLISECONDS, MICROSECONDS or NANOSECONDS`,
    );
  }
  return ms;
}

/** Whole milliseconds of `interval` units, truncated toward zero as TimeUnit.toMillis does. */
function intervalMillis(functionName: string, unit: SqlValue, interval: SqlValue): number {
  return Math.trunc(unitMillis(functionName, str(unit)) * num(interval));
}

const unitParam = param('unit', STRING_P, 'A unit of time, for example DAYS or HOURS.');
const intervalParam = param('interval', INTEGER_P, 'An integer number of intervals.');

function shift(
  name: string,
  description: string,
  valueType: typeof DATE_P,
  sign: 1 | -1,
  apply: (value: number, deltaMs: number) => number,
): ScalarFunction {
  return {
    name,
    category: 'DATE / TIME',
    description,
    overloads: [
      {
        params: [unitParam, intervalParam, param('value', valueType)],
        returns: valueType,
        invoke: (a) => (anyNull(a) ? null : apply(num(a[2]), sign * intervalMillis(name, a[0], a[1]))),
      },
    ],
  };
}

const addToDate = (days: number, deltaMs: number) => floorDiv(days * MS_PER_DAY + deltaMs, MS_PER_DAY);
const addToTime = (ms: number, deltaMs: number) => floorMod(ms + deltaMs, MS_PER_DAY);
const addToTimestamp = (ms: number, deltaMs: number) => ms + deltaMs;

const millisOfBigint = (v: SqlValue) => Number(v as bigint);

export const dateTimeFunctions: readonly ScalarFunction[] = [
  {
    name: 'FORMAT_TIMESTAMP',
    category: 'DATE / TIME',
    description:
      "Converts a TIMESTAMP value into the string representation of the timestamp in the given format, in UTC or the given time zone. Single quotes in the format are escaped with two successive single quotes, ''.",
    overloads: timestampFormatter('FORMAT_TIMESTAMP', param('timestamp', TIMESTAMP_P), num),
  },
  {
    name: 'PARSE_TIMESTAMP',
    category: 'DATE / TIME',
    description:
      'Converts a string value in the given format into a TIMESTAMP, reading it in UTC or the given time zone unless the text carries an offset.',
    overloads: timestampParser('PARSE_TIMESTAMP', (ms) => ms, TIMESTAMP_P),
  },
  {
    name: 'TIMESTAMPTOSTRING',
    category: 'DATE / TIME',
    description:
      'Deprecated: use FORMAT_TIMESTAMP. Converts a BIGINT millisecond timestamp into a string in the given format and optional time zone.',
    overloads: timestampFormatter('TIMESTAMPTOSTRING', param('epochMilli', BIGINT_P), millisOfBigint),
  },
  {
    name: 'STRINGTOTIMESTAMP',
    category: 'DATE / TIME',
    description:
      'Deprecated: use PARSE_TIMESTAMP. Converts a string in the given format and optional time zone into a BIGINT millisecond timestamp.',
    overloads: timestampParser('STRINGTOTIMESTAMP', (ms) => BigInt(ms), BIGINT_P),
  },
  {
    name: 'FORMAT_DATE',
    category: 'DATE / TIME',
    description: 'Converts a DATE value into a string in the given format.',
    overloads: [
      {
        params: [param('date', DATE_P), patternParam],
        returns: STRING_P,
        invoke: (a) =>
          anyNull(a) ? null : formatDate('FORMAT_DATE', compilePattern('FORMAT_DATE', str(a[1])), num(a[0])),
      },
    ],
  },
  {
    name: 'PARSE_DATE',
    category: 'DATE / TIME',
    description: 'Converts a string in the given format into a DATE.',
    overloads: [
      {
        params: [param('text', STRING_P), patternParam],
        returns: DATE_P,
        invoke: (a) =>
          anyNull(a) ? null : parseDate('PARSE_DATE', compilePattern('PARSE_DATE', str(a[1])), str(a[0])),
      },
    ],
  },
  {
    name: 'DATETOSTRING',
    category: 'DATE / TIME',
    description:
      'Deprecated: use FORMAT_DATE. Converts an INTEGER count of days since the epoch into a string in the given format.',
    overloads: [
      {
        params: [param('epochDays', INTEGER_P), patternParam],
        returns: STRING_P,
        invoke: (a) =>
          anyNull(a)
            ? null
            : formatDate('DATETOSTRING', compilePattern('DATETOSTRING', str(a[1])), num(a[0])),
      },
    ],
  },
  {
    name: 'STRINGTODATE',
    category: 'DATE / TIME',
    description:
      'Deprecated: use PARSE_DATE. Converts a string in the given format into an INTEGER count of days since the epoch.',
    overloads: [
      {
        params: [param('text', STRING_P), patternParam],
        returns: t.of(INTEGER),
        invoke: (a) =>
          anyNull(a) ? null : parseDate('STRINGTODATE', compilePattern('STRINGTODATE', str(a[1])), str(a[0])),
      },
    ],
  },
  {
    name: 'FORMAT_TIME',
    category: 'DATE / TIME',
    description: 'Converts a TIME value into a string in the given format.',
    overloads: [
      {
        params: [param('time', TIME_P), patternParam],
        returns: STRING_P,
        invoke: (a) =>
          anyNull(a) ? null : formatTime('FORMAT_TIME', compilePattern('FORMAT_TIME', str(a[1])), num(a[0])),
      },
    ],
  },
  {
    name: 'PARSE_TIME',
    category: 'DATE / TIME',
    description: 'Converts a string in the given format into a TIME.',
    overloads: [
      {
        params: [param('text', STRING_P), patternParam],
        returns: TIME_P,
        invoke: (a) =>
          anyNull(a) ? null : parseTime('PARSE_TIME', compilePattern('PARSE_TIME', str(a[1])), str(a[0])),
      },
    ],
  },
  {
    name: 'UNIX_TIMESTAMP',
    category: 'DATE / TIME',
    description:
      'Returns the TIMESTAMP argument, or the current time without one, as a BIGINT count of milliseconds since 1970-01-01T00:00:00 UTC.',
    overloads: [
      { params: [], returns: BIGINT_P, invoke: () => BigInt(Date.now()), nondeterministic: true },
      {
        params: [param('timestamp', TIMESTAMP_P)],
        returns: BIGINT_P,
        invoke: (a) => (a[0] === null ? null : BigInt(num(a[0]))),
      },
    ],
  },
  {
    name: 'UNIX_DATE',
    category: 'DATE / TIME',
    description:
      'Returns the DATE argument, or the current date (UTC) without one, as an INTEGER count of days since 1970-01-01.',
    overloads: [
      {
        params: [],
        returns: t.of(INTEGER),
        invoke: () => floorDiv(Date.now(), MS_PER_DAY),
        nondeterministic: true,
      },
      { params: [param('date', DATE_P)], returns: t.of(INTEGER), invoke: (a) => a[0] },
    ],
  },
  {
    name: 'FROM_UNIXTIME',
    category: 'DATE / TIME',
    description: 'Converts a BIGINT millisecond timestamp value into a TIMESTAMP value.',
    overloads: [
      {
        params: [param('epochMilli', BIGINT_P)],
        returns: t.of(TIMESTAMP),
        invoke: (a) => (a[0] === null ? null : millisOfBigint(a[0])),
      },
    ],
  },
  {
    name: 'FROM_DAYS',
    category: 'DATE / TIME',
    description: 'Converts an INTEGER number of days since the epoch to a DATE value.',
    overloads: [{ params: [param('days', INTEGER_P)], returns: t.of(DATE), invoke: (a) => a[0] }],
  },
  {
    name: 'CONVERT_TZ',
    category: 'DATE / TIME',
    description:
      'Converts a TIMESTAMP value from one time zone to another: the same wall-clock time, moved between zones.',
    overloads: [
      {
        params: [
          param('timestamp', TIMESTAMP_P),
          param('fromTimeZone', STRING_P),
          param('toTimeZone', STRING_P),
        ],
        returns: t.of(TIMESTAMP),
        invoke: (a) => {
          if (anyNull(a)) return null;
          const ts = num(a[0]);
          return (
            ts +
            timeZone('CONVERT_TZ', str(a[2])).offsetAt(ts) -
            timeZone('CONVERT_TZ', str(a[1])).offsetAt(ts)
          );
        },
      },
    ],
  },
  shift('DATEADD', 'Adds a duration to a DATE value.', DATE_P, 1, addToDate),
  shift('DATESUB', 'Subtracts a duration from a DATE value.', DATE_P, -1, addToDate),
  shift('TIMEADD', 'Adds a duration to a TIME value, wrapping around midnight.', TIME_P, 1, addToTime),
  shift(
    'TIMESUB',
    'Subtracts a duration from a TIME value, wrapping around midnight.',
    TIME_P,
    -1,
    addToTime,
  ),
  shift('TIMESTAMPADD', 'Adds a duration to a TIMESTAMP value.', TIMESTAMP_P, 1, addToTimestamp),
  shift('TIMESTAMPSUB', 'Subtracts a duration from a TIMESTAMP value.', TIMESTAMP_P, -1, addToTimestamp),
];
