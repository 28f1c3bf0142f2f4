// Timestamp offsets kept exact: PostgreSQL has microseconds and Confluent's offsets carry
// milliseconds plus the nanoseconds of the second, more than a Date holds. An instant here is a
// bigint of nanoseconds since the epoch.

export type EpochNanos = bigint;

const NANOS_PER_SECOND = 1_000_000_000n;
const NANOS_PER_MILLI = 1_000_000n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** An IANA time zone: wall-clock times of TIMESTAMP (without zone) columns are read in it. */
export class TimeZone {
  readonly name: string;
  readonly isUtc: boolean;
  private readonly format: Intl.DateTimeFormat | undefined;

  constructor(name: string) {
    this.name = name;
    this.isUtc = /^(utc|gmt|z|etc\/utc|etc\/gmt|utc0|gmt0|zulu)$/i.test(name.trim());
    this.format = this.isUtc
      ? undefined
      : new Intl.DateTimeFormat('en-US', {
          timeZone: name,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        });
  }

  /** Throws a RangeError for a zone name the runtime does not know. */
  static check(name: string): void {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  }

  /** The zone's offset from UTC, in milliseconds, at an instant. */
  offsetAt(epochMs: number): number {
    if (this.format === undefined) return 0;
    const whole = Math.floor(epochMs / 1000) * 1000;
    const parts: Record<string, number> = {};
    for (const p of this.format.formatToParts(new Date(whole)))
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    return wall - whole;
  }

  /** The instant a wall-clock time (given as if it were UTC) names in this zone. */
  wallClockToUtc(wallMs: number): number {
    if (this.format === undefined) return wallMs;
    const first = this.offsetAt(wallMs);
    const guess = wallMs - first;
    const second = this.offsetAt(guess);
    return second === first ? guess : wallMs - second;
  }
}

const TIMESTAMP_TEXT =
  /^(\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/;

/**
 * The instant of PostgreSQL's ISO text for a date, timestamp or timestamptz. Text without an
 * offset is a wall-clock time in `zone`. Infinite and BC values have no instant.
 */
export function parseInstant(text: string, zone: TimeZone): EpochNanos {
  const m = TIMESTAMP_TEXT.exec(text);
  if (m === null) throw new Error(`'${text}' is not a timestamp with a finite value.`);
  const year = Number(m[1]);
  let wallMs = Date.UTC(
    year,
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
  );
  if (year < 100) wallMs = new Date(wallMs).setUTCFullYear(year);
  let utcMs: number;
  if (m[8] !== undefined) {
    const offset = (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * 1000;
    utcMs = m[8] === '+' ? wallMs - offset : wallMs + offset;
  } else {
    utcMs = zone.wallClockToUtc(wallMs);
  }
  const fraction = BigInt((m[7] ?? '').padEnd(9, '0'));
  return BigInt(utcMs) * NANOS_PER_MILLI + fraction;
}

/** `YYYY-MM-DD HH:MM:SS.ffffff+00`: a timestamptz literal PostgreSQL reads exactly (to the microsecond). */
export function formatInstant(nanos: EpochNanos): string {
  const seconds = floorDiv(nanos, NANOS_PER_SECOND);
  const micros = (nanos - seconds * NANOS_PER_SECOND) / 1000n;
  const d = new Date(Number(seconds) * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${String(micros).padStart(6, '0')}+00`;
}

/** Confluent's offset fields: java.sql.Timestamp's getTime() and getNanos(). */
export function instantToOffsetFields(nanos: EpochNanos): { timestamp: number; timestamp_nanos: number } {
  const seconds = floorDiv(nanos, NANOS_PER_SECOND);
  const inSecond = nanos - seconds * NANOS_PER_SECOND;
  return {
    timestamp: Number(seconds * 1000n + inSecond / NANOS_PER_MILLI),
    timestamp_nanos: Number(inSecond),
  };
}

/** The instant of Confluent's offset fields; without nanos the milliseconds alone. */
export function instantFromOffsetFields(millis: number, nanos: number | null): EpochNanos {
  const ms = BigInt(Math.trunc(millis));
  if (nanos === null) return ms * NANOS_PER_MILLI;
  return floorDiv(ms, 1000n) * NANOS_PER_SECOND + BigInt(Math.trunc(nanos));
}

export function instantFromMillis(millis: number): EpochNanos {
  return BigInt(Math.trunc(millis)) * NANOS_PER_MILLI;
}
