import { VOLUBLE_CONFIG_DEF } from './global-config.js';
import type {
  ConfigProblem,
  GeneratorSpec,
  LeafSpec,
  MatchReference,
  Side,
  SlotSpec,
  TopicSpec,
  VolubleSpec,
} from './voluble-spec.js';

// Voluble's key grammar. `<topic>` and `<attr>` are one or more characters other than `.`.
const PRIMITIVE_GENERATOR = /^gen([kv])p\.([^.]+)(\.sometimes)?\.([^.]+)$/;
const COMPLEX_GENERATOR = /^gen([kv])\.([^.]+)\.([^.]+)(\.sometimes)?\.([^.]+)$/;
const PRIMITIVE_ATTR = /^attr([kv])p\.([^.]+)\.(.+)$/;
const COMPLEX_ATTR = /^attr([kv])\.([^.]+)\.([^.]+)\.(.+)$/;
const TOPIC_CONFIG = /^topic\.([^.]+)\.(.+)$/;
const GLOBAL_CONFIG = /^global\.(.+)$/;
const VOLUBLE_FAMILY = /^(genkp|genvp|genk|genv|attrkp|attrvp|attrk|attrv)\./;

interface GeneratorKey {
  readonly key: string;
  readonly value: string;
  readonly side: Side;
  readonly topic: string;
  /** Null for a primitive (`genkp`/`genvp`) generator. */
  readonly attr: string | null;
  readonly sometimes: boolean;
  readonly generator: string;
}

interface AttrKey {
  readonly key: string;
  readonly value: string;
  readonly side: Side;
  readonly topic: string;
  readonly attr: string | null;
  readonly prop: string;
}

interface TopicKey {
  readonly key: string;
  readonly value: string;
  readonly topic: string;
  readonly prop: string;
}

const sideOf = (letter: string): Side => (letter === 'k' ? 'key' : 'value');
const slotName = (side: Side, primitive: boolean) => `${primitive ? 'primitive' : 'complex'} ${side}`;

/** Splits a Voluble config into its families, noting keys that fit no shape. */
function classify(props: Readonly<Record<string, string>>, problems: ConfigProblem[]) {
  const generators: GeneratorKey[] = [];
  const attrs: AttrKey[] = [];
  const topicKeys: TopicKey[] = [];
  const globals = new Map<string, { key: string; value: string }>();
  const classifyKey = (key: string, value: string): void => {
    const primitive = PRIMITIVE_GENERATOR.exec(key);
    if (primitive) {
      const [, side, topic, sometimes, generator] = primitive;
      generators.push({
        key,
        value,
        side: sideOf(side),
        topic,
        attr: null,
        sometimes: !!sometimes,
        generator,
      });
      return;
    }
    const complex = COMPLEX_GENERATOR.exec(key);
    if (complex) {
      const [, side, topic, attr, sometimes, generator] = complex;
      generators.push({ key, value, side: sideOf(side), topic, attr, sometimes: !!sometimes, generator });
      return;
    }
    const primitiveAttr = PRIMITIVE_ATTR.exec(key);
    if (primitiveAttr) {
      attrs.push({
        key,
        value,
        side: sideOf(primitiveAttr[1]),
        topic: primitiveAttr[2],
        attr: null,
        prop: primitiveAttr[3],
      });
      return;
    }
    const complexAttr = COMPLEX_ATTR.exec(key);
    if (complexAttr) {
      const [, side, topic, attr, prop] = complexAttr;
      attrs.push({ key, value, side: sideOf(side), topic, attr, prop });
      return;
    }
    const topicConfig = TOPIC_CONFIG.exec(key);
    if (topicConfig) {
      // Kafka Connect's own topic.creation.* settings belong to the worker (a Sluice relaxation:
      // upstream Voluble fails on them).
      if (topicConfig[1] !== 'creation')
        topicKeys.push({ key, value, topic: topicConfig[1], prop: topicConfig[2] });
      return;
    }
    const globalConfig = GLOBAL_CONFIG.exec(key);
    if (globalConfig) {
      globals.set(globalConfig[1], { key, value });
      return;
    }
    if (VOLUBLE_FAMILY.test(key)) {
      problems.push({
        key,
        value,
        message:
          'Not a Voluble key: expected genkp.<topic>[.sometimes].<with|matching>, ' +
          'genk.<topic>.<attr>[.sometimes].<with|matching>, attrkp.<topic>.<prop> or attrk.<topic>.<attr>.<prop> ' +
          '(k or v; topic and attr names cannot contain ".").',
      });
    }
  };
  for (const [key, value] of Object.entries(props)) classifyKey(key, value);
  return { generators, attrs, topicKeys, globals };
}

function parseRate(key: string, value: string, problems: ConfigProblem[]): number | null {
  const n = Number(value.trim());
  if (value.trim() === '' || Number.isNaN(n)) {
    problems.push({ key, value, message: 'Expected a rate, a number such as 0.1.' });
    return null;
  }
  return n;
}

function parseCount(key: string, value: string, min: number, problems: ConfigProblem[]): number | null {
  const n = Number(value.trim());
  if (!/^[-+]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    problems.push({ key, value, message: 'Expected a whole number.' });
    return null;
  }
  if (n < min) {
    problems.push({ key, value, message: `Must be at least ${min}.` });
    return null;
  }
  return n;
}

/** `<topic>.<key|value>[.<attr>]`; split on `.`, the first three parts used, as upstream. */
function parseReference(text: string): MatchReference | string {
  const [topic, side, attr] = text.trim().split('.');
  if (!topic || (side !== 'key' && side !== 'value')) {
    return `Expected <topic>.key, <topic>.value, <topic>.key.<attr> or <topic>.value.<attr>, got '${text}'.`;
  }
  return { topic, side, attr: attr === undefined || attr === '' ? null : attr.split('->') };
}

interface SlotDraft {
  primitive: GeneratorKey[];
  complex: Map<string, GeneratorKey[]>;
}

function draftSlots(generators: readonly GeneratorKey[]) {
  const slots = new Map<string, { key: SlotDraft; value: SlotDraft }>();
  for (const g of generators) {
    let topic = slots.get(g.topic);
    if (topic === undefined) {
      topic = {
        key: { primitive: [], complex: new Map() },
        value: { primitive: [], complex: new Map() },
      };
      slots.set(g.topic, topic);
    }
    const slot = topic[g.side];
    if (g.attr === null) slot.primitive.push(g);
    else slot.complex.set(g.attr, [...(slot.complex.get(g.attr) ?? []), g]);
  }
  return slots;
}

/**
 * One leaf's generator from its keys: a single `with` or `matching`, or the pair
 * `sometimes.with` + `sometimes.matching`. Any other mix is a problem on every key involved.
 */
function leafGenerator(keys: readonly GeneratorKey[], problems: ConfigProblem[]): GeneratorSpec | null {
  const bad = keys.filter((k) => k.generator !== 'with' && k.generator !== 'matching');
  for (const k of bad) {
    problems.push({
      key: k.key,
      value: k.value,
      message: `Unknown generator '${k.generator}': the key must end in .with or .matching.`,
    });
  }
  if (bad.length > 0) return null;
  const plain = keys.filter((k) => !k.sometimes);
  const sometimes = keys.filter((k) => k.sometimes);
  const reference = (k: GeneratorKey): MatchReference | null => {
    const r = parseReference(k.value);
    if (typeof r === 'string') {
      problems.push({ key: k.key, value: k.value, message: r });
      return null;
    }
    return r;
  };
  if (plain.length === 1 && sometimes.length === 0) {
    const only = plain[0];
    if (only.generator === 'with') return { kind: 'with', expression: only.value, configKey: only.key };
    const r = reference(only);
    return r === null ? null : { kind: 'matching', reference: r, configKey: only.key };
  }
  const withKey = sometimes.find((k) => k.generator === 'with');
  const matchingKey = sometimes.find((k) => k.generator === 'matching');
  if (plain.length === 0 && sometimes.length === 2 && withKey && matchingKey) {
    const r = reference(matchingKey);
    return r === null
      ? null
      : { kind: 'sometimes', expression: withKey.value, reference: r, configKey: withKey.key };
  }
  for (const k of keys) {
    problems.push({
      key: k.key,
      value: k.value,
      message:
        'A generated key, value or field takes one .with or one .matching, or both .sometimes.with ' +
        'and .sometimes.matching; this one has ' +
        keys.map((x) => x.key).join(', ') +
        '.',
    });
  }
  return null;
}

interface Knobs {
  throttleMs: number;
  matchingRate: number;
  historyMax: number;
  seed: number | null;
}

/**
 * The global.* knobs, from their declarations: a bad value is a problem of its key (and the default
 * is used meanwhile); a global.* key nobody declares is Voluble's "Unrecognized global configuration".
 */
function parseGlobals(
  props: Readonly<Record<string, string>>,
  globals: ReadonlyMap<string, { key: string; value: string }>,
  problems: ConfigProblem[],
): Knobs {
  const valid: Record<string, string> = {};
  for (const v of VOLUBLE_CONFIG_DEF.validate(props)) {
    const value = props[v.name];
    if (value === undefined) continue;
    for (const message of v.errors) problems.push({ key: v.name, value, message });
    if (v.errors.length === 0) valid[v.name] = value;
  }
  for (const { key, value } of globals.values()) {
    if (VOLUBLE_CONFIG_DEF.key(key) === undefined)
      problems.push({
        key,
        value,
        message: `Unrecognized global configuration: ${key}. Known: ${VOLUBLE_CONFIG_DEF.names().join(', ')}.`,
      });
  }
  const p = VOLUBLE_CONFIG_DEF.parse(valid);
  return {
    throttleMs: p['global.throttle.ms'],
    matchingRate: p['global.matching.rate'],
    historyMax: p['global.history.records.max'],
    seed: p['global.seed'],
  };
}

function leafKey(path: readonly string[]): string {
  return path.join('->');
}

/** Parses every Voluble key; problems are listed by key, never thrown. */
export function parseVolubleConfig(props: Readonly<Record<string, string>>): {
  spec: VolubleSpec;
  problems: ConfigProblem[];
} {
  const problems: ConfigProblem[] = [];
  const { generators, attrs, topicKeys, globals } = classify(props, problems);
  const knobs = parseGlobals(props, globals, problems);
  const drafts = draftSlots(generators);

  // Attribute knobs by "topic/side/attr" (attr '' for a primitive slot).
  const attrKnobs = new Map<string, { nullRate?: number; matchingRate?: number }>();
  const attrIndex = (topic: string, side: Side, attr: string | null) => `${topic}/${side}/${attr ?? ''}`;
  for (const a of attrs) {
    const draft = drafts.get(a.topic)?.[a.side];
    const primitive = a.attr === null;
    const generated = primitive
      ? (draft?.primitive.length ?? 0) > 0
      : draft?.complex.has(a.attr ?? '') === true;
    if (!generated) {
      const what = primitive
        ? `no ${slotName(a.side, true)} generator`
        : `no generator for ${a.side} field '${a.attr}'`;
      problems.push({
        key: a.key,
        value: a.value,
        message: `Topic '${a.topic}' has ${what} for this setting to apply to.`,
      });
      continue;
    }
    if (a.prop !== 'null.rate' && a.prop !== 'matching.rate') {
      problems.push({
        key: a.key,
        value: a.value,
        message: `Unrecognized attribute configuration: ${a.key}. Known: null.rate, matching.rate.`,
      });
      continue;
    }
    const rate = parseRate(a.key, a.value, problems);
    if (rate === null) continue;
    const index = attrIndex(a.topic, a.side, a.attr);
    const entry = attrKnobs.get(index) ?? {};
    if (a.prop === 'null.rate') entry.nullRate = rate;
    else entry.matchingRate = rate;
    attrKnobs.set(index, entry);
  }

  const leaf = (
    topic: string,
    side: Side,
    attr: string | null,
    keys: readonly GeneratorKey[],
  ): LeafSpec | null => {
    const generator = leafGenerator(keys, problems);
    if (generator === null) return null;
    const k = attrKnobs.get(attrIndex(topic, side, attr)) ?? {};
    return {
      path: attr === null ? [] : attr.split('->'),
      generator,
      nullRate: k.nullRate ?? 0,
      matchingRate: k.matchingRate ?? knobs.matchingRate,
    };
  };

  const slot = (topic: string, side: Side, draft: SlotDraft): SlotSpec => {
    if (draft.primitive.length > 0 && draft.complex.size > 0) {
      for (const g of [...draft.primitive, ...[...draft.complex.values()].flat()]) {
        problems.push({
          key: g.key,
          value: g.value,
          message: `Topic '${topic}' has both primitive (gen${side[0]}p) and complex (gen${side[0]}) ${side} generators; use one kind.`,
        });
      }
      return { shape: 'none' };
    }
    if (draft.primitive.length > 0) {
      const l = leaf(topic, side, null, draft.primitive);
      return l === null ? { shape: 'none' } : { shape: 'primitive', leaf: l };
    }
    if (draft.complex.size === 0) return { shape: 'none' };
    const leaves: LeafSpec[] = [];
    for (const [attr, keys] of draft.complex) {
      const l = leaf(topic, side, attr, keys);
      if (l === null) continue;
      if (l.path.some((part) => part === '')) {
        problems.push({
          key: keys[0].key,
          value: keys[0].value,
          message: `Field '${attr}' has an empty name in its '->' path.`,
        });
        continue;
      }
      leaves.push(l);
    }
    // `a` and `a->b` cannot both be generated: `a` would be a string and a struct at once.
    for (const outer of leaves) {
      for (const inner of leaves) {
        if (
          outer !== inner &&
          inner.path.length > outer.path.length &&
          outer.path.every((p, i) => inner.path[i] === p)
        ) {
          problems.push({
            key: outer.generator.configKey,
            value: props[outer.generator.configKey] ?? '',
            message: `Field '${leafKey(outer.path)}' is also the parent of generated field '${leafKey(inner.path)}'.`,
          });
        }
      }
    }
    return { shape: 'complex', leaves };
  };

  const topicKnobs = new Map<
    string,
    { throttleMs?: number; tombstoneRate?: number; historyMax?: number; recordsExactly?: number }
  >();
  for (const t of topicKeys) {
    if (!drafts.has(t.topic)) {
      problems.push({
        key: t.key,
        value: t.value,
        message: `Topic '${t.topic}' has no generator for this setting to apply to.`,
      });
      continue;
    }
    const entry = topicKnobs.get(t.topic) ?? {};
    switch (t.prop) {
      case 'throttle.ms':
        entry.throttleMs = parseCount(t.key, t.value, 0, problems) ?? undefined;
        break;
      case 'tombstone.rate':
        entry.tombstoneRate = parseRate(t.key, t.value, problems) ?? undefined;
        break;
      case 'history.records.max':
        entry.historyMax = parseCount(t.key, t.value, 1, problems) ?? undefined;
        break;
      case 'records.exactly': {
        const n = Number(t.value.trim());
        if (/^[-+]?\d+$/.test(t.value.trim()) && n <= 0) {
          problems.push({ key: t.key, value: t.value, message: 'records.exactly must be greater than 0' });
        } else entry.recordsExactly = parseCount(t.key, t.value, 1, problems) ?? undefined;
        break;
      }
      default:
        problems.push({
          key: t.key,
          value: t.value,
          message: `Unrecognized topic configuration: ${t.key}. Known: throttle.ms, tombstone.rate, history.records.max, records.exactly.`,
        });
    }
    topicKnobs.set(t.topic, entry);
  }

  const topics: TopicSpec[] = [...drafts].map(([name, draft]) => {
    const k = topicKnobs.get(name) ?? {};
    return {
      name,
      key: slot(name, 'key', draft.key),
      value: slot(name, 'value', draft.value),
      throttleMs: k.throttleMs ?? knobs.throttleMs,
      tombstoneRate: k.tombstoneRate ?? 0,
      historyMax: k.historyMax ?? knobs.historyMax,
      recordsExactly: k.recordsExactly ?? null,
    };
  });
  checkReferences(topics, props, problems);
  return { spec: { topics, seed: knobs.seed }, problems };
}

/** A `matching` reference must name a generated topic and a primitive slot or an existing field. */
function checkReferences(
  topics: readonly TopicSpec[],
  props: Readonly<Record<string, string>>,
  problems: ConfigProblem[],
): void {
  const byName = new Map(topics.map((t) => [t.name, t]));
  for (const topic of topics) {
    for (const slot of [topic.key, topic.value]) {
      const leaves = slot.shape === 'primitive' ? [slot.leaf] : slot.shape === 'complex' ? slot.leaves : [];
      for (const leaf of leaves) {
        const g = leaf.generator;
        if (g.kind === 'with') continue;
        const key = g.kind === 'matching' ? g.configKey : g.configKey.replace(/\.with$/, '.matching');
        const value = props[key] ?? '';
        const problem = referenceProblem(g.reference, byName);
        if (problem !== null) problems.push({ key, value, message: problem });
      }
    }
  }
}

function referenceProblem(ref: MatchReference, topics: ReadonlyMap<string, TopicSpec>): string | null {
  const source = topics.get(ref.topic);
  if (source === undefined)
    return `Topic '${ref.topic}' is not generated by this connector, so nothing can match it.`;
  const slot = source[ref.side];
  if (ref.attr === null) {
    if (slot.shape === 'primitive') return null;
    return slot.shape === 'none'
      ? `Topic '${ref.topic}' generates no ${ref.side}.`
      : `Topic '${ref.topic}' has a complex ${ref.side}; name one of its fields: ${ref.topic}.${ref.side}.<attr>.`;
  }
  if (slot.shape !== 'complex') {
    return `Topic '${ref.topic}' has no ${ref.side} fields (its ${ref.side} is ${slot.shape === 'none' ? 'not generated' : 'primitive'}).`;
  }
  const wanted = leafKey(ref.attr);
  if (slot.leaves.some((l) => leafKey(l.path) === wanted)) return null;
  return `Topic '${ref.topic}' generates no ${ref.side} field '${wanted}' (it has ${slot.leaves.map((l) => leafKey(l.path)).join(', ')}).`;
}
