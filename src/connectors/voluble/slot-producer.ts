import { type ConnectValue, type Schema, Schemas, Struct, structSchema } from '../../connect/api/index.js';
import { compileExpression, type TextGenerator } from './expression.js';
import type { RandomSource } from './random-source.js';
import type { LeafSpec, MatchReference, SlotSpec } from './voluble-spec.js';

/** A previously emitted record, kept so that `matching` generators can copy from it. */
export interface HistoryEntry {
  readonly key: ConnectValue;
  readonly value: ConnectValue;
}

/** For one attempt: one retained record per topic this topic matches against (absent: none yet). */
export type MatchSample = ReadonlyMap<string, HistoryEntry>;

/** Makes one slot's (key's or value's) value for an attempt, with the schema it always has. */
export interface SlotProducer {
  readonly schema: Schema;
  produce(sample: MatchSample): ConnectValue;
}

/** Reads a matched leaf: the primitive key/value or one (nested) field of a struct. */
export function readReference(entry: HistoryEntry, ref: MatchReference): string | null {
  let current: ConnectValue = ref.side === 'key' ? entry.key : entry.value;
  for (const part of ref.attr ?? []) {
    if (!(current instanceof Struct)) return null;
    current = current.get(part);
  }
  return typeof current === 'string' ? current : null;
}

function leafProducer(leaf: LeafSpec, random: RandomSource): (sample: MatchSample) => string | null {
  const g = leaf.generator;
  const { nullRate } = leaf;
  const isNull = () => nullRate > 0 && random.next() < nullRate;
  switch (g.kind) {
    case 'with': {
      const text: TextGenerator = compileExpression(g.expression, random);
      return () => (isNull() ? null : text());
    }
    case 'matching':
      return (sample) => {
        if (isNull()) return null;
        const entry = sample.get(g.reference.topic);
        return entry === undefined ? null : readReference(entry, g.reference);
      };
    case 'sometimes': {
      const text = compileExpression(g.expression, random);
      const { matchingRate } = leaf;
      return (sample) => {
        if (isNull()) return null;
        const entry = sample.get(g.reference.topic);
        if (entry !== undefined && random.next() <= matchingRate) return readReference(entry, g.reference);
        return text();
      };
    }
    default: {
      const never: never = g;
      throw new Error(`Unknown generator ${String(never)}`);
    }
  }
}

/** A level of a complex slot: its fields in order, each a leaf or a nested level. */
interface StructLevel {
  readonly schema: Schema;
  readonly fields: readonly {
    readonly name: string;
    readonly leaf?: (sample: MatchSample) => string | null;
    readonly nested?: StructLevel;
  }[];
}

function buildLevel(leaves: readonly LeafSpec[], depth: number, random: RandomSource): StructLevel {
  const names: string[] = [];
  const byName = new Map<string, LeafSpec[]>();
  for (const leaf of leaves) {
    const name = leaf.path[depth];
    if (!byName.has(name)) names.push(name);
    byName.set(name, [...(byName.get(name) ?? []), leaf]);
  }
  const fields = names.map((name) => {
    const group = byName.get(name) ?? [];
    const direct = group.find((l) => l.path.length === depth + 1);
    return direct !== undefined
      ? { name, leaf: leafProducer(direct, random) }
      : { name, nested: buildLevel(group, depth + 1, random) };
  });
  // Voluble names its struct schemas by depth: io.mdrogalis.Gen0 at the top, Gen1 below.
  const schema = structSchema(
    fields.map((f) => ({ name: f.name, schema: f.nested?.schema ?? Schemas.OPTIONAL_STRING })),
    { name: `io.mdrogalis.Gen${depth}`, optional: true },
  );
  return { schema, fields };
}

function fillLevel(level: StructLevel, sample: MatchSample): Struct {
  const struct = new Struct(level.schema);
  for (const f of level.fields) {
    struct.put(f.name, f.leaf !== undefined ? f.leaf(sample) : fillLevel(f.nested as StructLevel, sample));
  }
  return struct;
}

export function slotProducer(slot: SlotSpec, random: RandomSource): SlotProducer {
  switch (slot.shape) {
    case 'none':
      return { schema: Schemas.OPTIONAL_STRING, produce: () => null };
    case 'primitive': {
      const leaf = leafProducer(slot.leaf, random);
      return { schema: Schemas.OPTIONAL_STRING, produce: leaf };
    }
    case 'complex': {
      const level = buildLevel(slot.leaves, 0, random);
      return { schema: level.schema, produce: (sample) => fillLevel(level, sample) };
    }
    default: {
      const never: never = slot;
      throw new Error(`Unknown slot ${String(never)}`);
    }
  }
}

/** The topics a slot matches against: strictly (blocks until they have history) or sometimes. */
export function matchSources(slot: SlotSpec): { strict: string[]; optional: string[] } {
  const leaves = slot.shape === 'primitive' ? [slot.leaf] : slot.shape === 'complex' ? slot.leaves : [];
  const strict: string[] = [];
  const optional: string[] = [];
  for (const { generator: g } of leaves) {
    if (g.kind === 'matching') strict.push(g.reference.topic);
    else if (g.kind === 'sometimes') optional.push(g.reference.topic);
  }
  return { strict, optional };
}
