import type { SqlValue } from '../../types/index.js';
import { param } from '../function-declaration.js';
import { BOOLEAN_P, INTEGER_P, T, t } from '../type-pattern.js';
import type { AggregateFunction, AggregateOverload, Udaf } from './udaf.js';

/**
 * EARLIEST_BY_OFFSET and LATEST_BY_OFFSET order values by a sequence number taken when each is
 * aggregated (ksqlDB's process-wide counter), which also orders them when session windows merge.
 * ksqlDB's counter starts at 0 in every process, so after a restart new values sort before stored
 * ones; this one starts at the clock in microseconds, so it keeps rising across restarts.
 */
let sequence = Date.now() * 1000;
const nextSequence = () => sequence++;

interface Sequenced {
  seq: number;
  value: SqlValue;
}

/** Which of two sequenced values wins: `latest` prefers the higher sequence; with ignoreNulls a value beats a NULL. */
function prefer(a: Sequenced, b: Sequenced, latest: boolean, ignoreNulls: boolean): Sequenced {
  if (ignoreNulls && (a.value === null) !== (b.value === null)) return a.value === null ? b : a;
  return latest === a.seq >= b.seq ? a : b;
}

/** The accumulator is null until a row counts: then the earliest keeps it and the latest replaces it. */
function singleUdaf(latest: boolean, ignoreNulls: boolean): Udaf<Sequenced | null> {
  return {
    initialize: () => null,
    aggregate(v, acc) {
      if (v === null && ignoreNulls) return acc;
      if (!latest && acc !== null) return acc;
      return { seq: nextSequence(), value: v };
    },
    merge: (a, b) => (a === null ? b : b === null ? a : prefer(a, b, latest, ignoreNulls)),
    map: (acc) => (acc === null ? null : acc.value),
  };
}

function nUdaf(latest: boolean, n: number, ignoreNulls: boolean): Udaf<Sequenced[]> {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`${latest ? 'latestN' : 'earliestN'} must be 1 or greater`);
  }
  return {
    initialize: () => [],
    aggregate(v, acc) {
      if (v === null && ignoreNulls) return acc;
      if (latest) {
        acc.push({ seq: nextSequence(), value: v });
        if (acc.length > n) acc.splice(0, acc.length - n);
      } else if (acc.length < n) acc.push({ seq: nextSequence(), value: v });
      return acc;
    },
    merge(a, b) {
      const merged = [...a, ...b].sort((x, y) => x.seq - y.seq);
      return latest ? merged.slice(Math.max(0, merged.length - n)) : merged.slice(0, n);
    },
    map: (acc) => acc.map((s) => s.value),
  };
}

function byOffset(name: string, latest: boolean, description: string): AggregateFunction {
  const which = latest ? 'latest' : 'earliest';
  const overloads: AggregateOverload[] = [
    {
      columns: [param('val', T)],
      returns: T,
      description: `the ${which} non-NULL value`,
      create: () => singleUdaf(latest, true) as Udaf,
    },
    {
      columns: [param('val', T)],
      literals: [param('ignoreNulls', BOOLEAN_P)],
      returns: T,
      description: `the ${which} value, NULLs counting unless ignoreNulls`,
      create: (_types, [ignoreNulls]) => singleUdaf(latest, ignoreNulls !== false) as Udaf,
    },
    {
      columns: [param('val', T)],
      literals: [param(`${which}N`, INTEGER_P)],
      returns: t.arrayOf(T),
      description: `the ${which} N non-NULL values, oldest first`,
      create: (_types, [n]) => nUdaf(latest, Number(n), true) as Udaf,
    },
    {
      columns: [param('val', T)],
      literals: [param(`${which}N`, INTEGER_P), param('ignoreNulls', BOOLEAN_P)],
      returns: t.arrayOf(T),
      description: `the ${which} N values, oldest first, NULLs counting unless ignoreNulls`,
      create: (_types, [n, ignoreNulls]) => nUdaf(latest, Number(n), ignoreNulls !== false) as Udaf,
    },
  ];
  return { name, description, tableCapable: false, overloads };
}

export const EARLIEST_BY_OFFSET = byOffset(
  'EARLIEST_BY_OFFSET',
  false,
  'Returns the value of a column from the earliest row (by offset) of each group; NULLs are skipped unless ignoreNulls is false.',
);

export const LATEST_BY_OFFSET = byOffset(
  'LATEST_BY_OFFSET',
  true,
  'Returns the value of a column from the latest row (by offset) of each group; NULLs are skipped unless ignoreNulls is false.',
);
