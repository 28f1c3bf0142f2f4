import { daysFromCivil, MS_PER_DAY } from './civil-time.js';
import { FunctionInvocationError } from './function-declaration.js';

/**
 * A time zone as java.time.ZoneId understands one: a fixed offset ('UTC', '+05:30', 'GMT-8') or a region
 * ('Europe/London'), whose offsets come from the platform's IANA data through Intl.
 */
export interface TimeZone {
  readonly id: string;
  /** The offset from UTC in milliseconds at an instant. */
  offsetAt(epochMs: number): number;
  /** The short display name at an instant ('PST', 'UTC'), for the 'z' pattern letter. */
  shortName(epochMs: number): string;
}

class FixedOffsetZone implements TimeZone {
  readonly id: string;
  readonly #offset: number;
  constructor(id: string, offsetMs: number) {
    this.id = id;
    this.#offset = offsetMs;
  }
  offsetAt(): number {
    return this.#offset;
  }
  shortName(): string {
    return this.id;
  }
}

const QUARTER_HOUR = 900_000;
const OFFSET_CACHE_LIMIT = 50_000;

class RegionZone implements TimeZone {
  readonly id: string;
  readonly #parts: Intl.DateTimeFormat;
  readonly #names: Intl.DateTimeFormat;
  // Offsets change only at transitions, which fall on quarter hours; one lookup per quarter hour suffices.
  readonly #offsets = new Map<number, number>();
  constructor(id: string) {
    this.id = id;
    this.#parts = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    this.#names = new Intl.DateTimeFormat('en-US', { timeZone: id, timeZoneName: 'short' });
  }

  offsetAt(epochMs: number): number {
    const bucket = Math.floor(epochMs / QUARTER_HOUR);
    let offset = this.#offsets.get(bucket);
    if (offset === undefined) {
      offset = this.#computeOffset(bucket * QUARTER_HOUR);
      if (this.#offsets.size >= OFFSET_CACHE_LIMIT) this.#offsets.clear();
      this.#offsets.set(bucket, offset);
    }
    return offset;
  }

  #computeOffset(epochMs: number): number {
    const f: Record<string, number> = {};
    let bc = false;
    for (const part of this.#parts.formatToParts(epochMs)) {
      if (part.type === 'era') bc = part.value === 'BC' || part.value === 'B';
      else if (part.type !== 'literal') f[part.type] = Number(part.value);
    }
    const year = bc ? 1 - f.year : f.year;
    const local =
      daysFromCivil(year, f.month, f.day) * MS_PER_DAY + ((f.hour * 60 + f.minute) * 60 + f.second) * 1000;
    return local - epochMs;
  }

  shortName(epochMs: number): string {
    const part = this.#names.formatToParts(epochMs).find((p) => p.type === 'timeZoneName');
    return part?.value ?? this.id;
  }
}

/** java.time's ZoneId.SHORT_IDS, which ksqlDB accepts for names like 'PST'. */
const SHORT_IDS: Record<string, string> = {
  ACT: 'Australia/Darwin',
  AET: 'Australia/Sydney',
  AGT: 'America/Argentina/Buenos_Aires',
  ART: 'Africa/Cairo',
  AST: 'America/Anchorage',
  BET: 'America/Sao_Paulo',
  BST: 'Asia/Dhaka',
  CAT: 'Africa/Harare',
  CNT: 'America/St_Johns',
  CST: 'America/Chicago',
  CTT: 'Asia/Shanghai',
  EAT: 'Africa/Addis_Ababa',
  ECT: 'Europe/Paris',
  EST: '-05:00',
  HST: '-10:00',
  IET: 'America/Indiana/Indianapolis',
  IST: 'Asia/Kolkata',
  JST: 'Asia/Tokyo',
  MIT: 'Pacific/Apia',
  MST: '-07:00',
  NET: 'Asia/Yerevan',
  NST: 'Pacific/Auckland',
  PLT: 'Asia/Karachi',
  PNT: 'America/Phoenix',
  PRT: 'America/Puerto_Rico',
  PST: 'America/Los_Angeles',
  SST: 'Pacific/Guadalcanal',
  VST: 'Asia/Ho_Chi_Minh',
};

const OFFSET = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

/** Parses '+5', '+05:30', '-0800', '+01:00:00' into milliseconds, or undefined. */
export function parseOffset(text: string): number | undefined {
  const m = OFFSET.exec(text);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  const seconds = Number(m[4] ?? 0);
  if (hours > 18 || minutes > 59 || seconds > 59) return undefined;
  const ms = ((hours * 60 + minutes) * 60 + seconds) * 1000;
  return m[1] === '-' ? -ms : ms;
}

const zones = new Map<string, TimeZone>();
export const UTC: TimeZone = new FixedOffsetZone('UTC', 0);
zones.set('UTC', UTC);

/** Resolves a zone id, throwing a FunctionInvocationError naming `functionName` when it is unknown. */
export function timeZone(functionName: string, id: string): TimeZone {
  let zone = zones.get(id);
  if (zone === undefined) {
    zone = createZone(id);
    if (zone === undefined) {
      throw new FunctionInvocationError(
        functionName,
        `unknown time zone '${id}'; use an IANA name such as 'Europe/London', 'UTC' or an offset such as '+05:30'`,
      );
    }
    zones.set(id, zone);
  }
  return zone;
}

function createZone(id: string): TimeZone | undefined {
  if (id === 'Z' || id === 'GMT' || id === 'UT' || id === 'UCT') return new FixedOffsetZone(id, 0);
  const prefixed = /^(UTC|GMT|UT)([+-].*)$/.exec(id);
  const offset = parseOffset(prefixed ? prefixed[2] : id);
  if (offset !== undefined) return new FixedOffsetZone(id, offset);
  if (prefixed) return undefined;
  const short = SHORT_IDS[id];
  if (short !== undefined)
    return short.startsWith('-') ? new FixedOffsetZone(short, parseOffset(short)!) : createZone(short);
  try {
    return new RegionZone(id);
  } catch {
    return undefined; // Intl rejects unknown zone names with a RangeError
  }
}

/**
 * The instant at which a wall-clock time (given as if it were UTC) occurs in `zone`. In a gap the time
 * moves forward by the gap; in an overlap the earlier offset wins, as java.time resolves them.
 */
export function localToEpoch(localAsUtc: number, zone: TimeZone): number {
  const first = zone.offsetAt(localAsUtc);
  const candidate = localAsUtc - first;
  const second = zone.offsetAt(candidate);
  if (second === first) {
    // In an overlap an earlier instant with a larger offset also shows this wall time; prefer it.
    const earlierOffset = zone.offsetAt(candidate - 3_600_000);
    if (earlierOffset > first && zone.offsetAt(localAsUtc - earlierOffset) === earlierOffset) {
      return localAsUtc - earlierOffset;
    }
    return candidate;
  }
  const retry = localAsUtc - second;
  if (zone.offsetAt(retry) === second) return retry;
  return localAsUtc - Math.min(first, second); // in a gap: shift forward by its length
}
