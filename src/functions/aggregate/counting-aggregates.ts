import type { SqlValue } from '../../types/index.js';
import { param } from '../function-declaration.js';
import { BIGINT_P, T } from '../type-pattern.js';
import type { AggregateFunction, Udaf } from './udaf.js';
import { valueIdentity } from './value-identity.js';

function countUdaf(): Udaf<number> {
  return {
    initialize: () => 0,
    aggregate: (v, acc) => (v === null ? acc : acc + 1),
    merge: (a, b) => a + b,
    undo: (v, acc) => (v === null ? acc : acc - 1),
    map: (acc) => BigInt(acc),
  };
}

export const COUNT: AggregateFunction = {
  name: 'COUNT',
  description: 'Counts the rows whose argument is not NULL; COUNT(*) counts every row.',
  tableCapable: true,
  overloads: [{ columns: [param('val', T)], returns: BIGINT_P, create: () => countUdaf() as Udaf }],
};

// COUNT_DISTINCT: exact while the values are few, then a HyperLogLog of 2^14 registers as ksqlDB's.
const HLL_BITS = 14;
const HLL_REGISTERS = 1 << HLL_BITS;
const EXACT_LIMIT = 4096;

interface DistinctCount {
  /** Identities of the values seen, while there are at most EXACT_LIMIT of them. */
  exact: Set<string> | null;
  registers: Uint8Array | null;
}

/** Two independent 32-bit FNV-1a style hashes of the text, 64 bits in all. */
function hash64(text: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  return [h1 >>> 0, h2 >>> 0];
}

function addToRegisters(registers: Uint8Array, identity: string): void {
  const [h1, h2] = hash64(identity);
  const index = h1 >>> (32 - HLL_BITS);
  // Leading zeros of the remaining 50 bits (18 from h1, then h2), plus one.
  const rest = (h1 << HLL_BITS) >>> 0;
  const rank = rest !== 0 ? Math.clz32(rest) + 1 : 18 + Math.clz32(h2) + 1;
  if (rank > registers[index]) registers[index] = rank;
}

function estimate(registers: Uint8Array): number {
  let sum = 0;
  let zeros = 0;
  for (const r of registers) {
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  const m = HLL_REGISTERS;
  const raw = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum;
  // Linear counting for small cardinalities, as HyperLogLog++ does.
  return raw <= 2.5 * m && zeros > 0 ? m * Math.log(m / zeros) : raw;
}

function toRegisters(acc: DistinctCount): Uint8Array {
  if (acc.registers === null) {
    acc.registers = new Uint8Array(HLL_REGISTERS);
    for (const id of acc.exact ?? []) addToRegisters(acc.registers, id);
    acc.exact = null;
  }
  return acc.registers;
}

function addIdentity(acc: DistinctCount, identity: string): void {
  if (acc.exact !== null) {
    acc.exact.add(identity);
    if (acc.exact.size > EXACT_LIMIT) toRegisters(acc);
  } else if (acc.registers !== null) addToRegisters(acc.registers, identity);
}

function countDistinctUdaf(): Udaf<DistinctCount> {
  return {
    initialize: () => ({ exact: new Set(), registers: null }),
    aggregate(v, acc) {
      if (v !== null) addIdentity(acc, valueIdentity(v));
      return acc;
    },
    merge(a, b) {
      if (b.exact !== null) for (const id of b.exact) addIdentity(a, id);
      else if (b.registers !== null) {
        const registers = toRegisters(a);
        for (let i = 0; i < HLL_REGISTERS; i++)
          if (b.registers[i] > registers[i]) registers[i] = b.registers[i];
      }
      return a;
    },
    map: (acc) =>
      BigInt(
        acc.exact !== null
          ? acc.exact.size
          : Math.round(estimate(acc.registers ?? new Uint8Array(HLL_REGISTERS))),
      ),
  };
}

export const COUNT_DISTINCT: AggregateFunction = {
  name: 'COUNT_DISTINCT',
  description:
    'Returns the number of distinct non-NULL values of a column: exact up to 4096 values, then a HyperLogLog estimate.',
  tableCapable: false,
  overloads: [{ columns: [param('val', T)], returns: BIGINT_P, create: () => countDistinctUdaf() as Udaf }],
};

interface AttrEntry {
  value: SqlValue;
  count: number;
}

function attrUdaf(): Udaf<Map<string, AttrEntry>> {
  const update = (acc: Map<string, AttrEntry>, value: SqlValue, count: number) => {
    const id = valueIdentity(value);
    const entry = acc.get(id);
    if (entry !== undefined) entry.count = Math.max(0, entry.count + count);
    else if (count > 0) acc.set(id, { value, count });
    return acc;
  };
  return {
    initialize: () => new Map(),
    aggregate: (v, acc) => update(acc, v, 1),
    merge(a, b) {
      for (const { value, count } of b.values()) update(a, value, count);
      return a;
    },
    undo: (v, acc) => update(acc, v, -1),
    map(acc) {
      let only: AttrEntry | undefined;
      for (const entry of acc.values()) {
        if (entry.count <= 0) continue;
        if (only !== undefined) return null;
        only = entry;
      }
      return only === undefined ? null : only.value;
    },
  };
}

export const ATTR: AggregateFunction = {
  name: 'ATTR',
  description:
    'Returns the value of a column when every row has the same one (NULL counts as a value), and NULL when there are several.',
  tableCapable: true,
  overloads: [{ columns: [param('val', T)], returns: T, create: () => attrUdaf() as Udaf }],
};
