// What a Voluble config describes, once its keys are parsed: per topic, a key slot and a value slot,
// each empty, one primitive generator, or a set of (possibly nested) fields; plus the topic's knobs.

export type Side = 'key' | 'value';

/** `<topic>.<key|value>[.<attr>]`: a value copied from a previously emitted record. */
export interface MatchReference {
  readonly topic: string;
  readonly side: Side;
  /** The field's path (`a->b` → ['a','b']), or null for the whole primitive key/value. */
  readonly attr: readonly string[] | null;
}

export type GeneratorSpec =
  | { readonly kind: 'with'; readonly expression: string; readonly configKey: string }
  | { readonly kind: 'matching'; readonly reference: MatchReference; readonly configKey: string }
  | {
      readonly kind: 'sometimes';
      readonly expression: string;
      readonly reference: MatchReference;
      /** The `sometimes.with` key, named when its expression is wrong. */
      readonly configKey: string;
    };

export interface LeafSpec {
  /** The field path in a complex slot; empty for a primitive slot. */
  readonly path: readonly string[];
  readonly generator: GeneratorSpec;
  readonly nullRate: number;
  readonly matchingRate: number;
}

export type SlotSpec =
  | { readonly shape: 'none' }
  | { readonly shape: 'primitive'; readonly leaf: LeafSpec }
  | { readonly shape: 'complex'; readonly leaves: readonly LeafSpec[] };

export interface TopicSpec {
  readonly name: string;
  readonly key: SlotSpec;
  readonly value: SlotSpec;
  readonly throttleMs: number;
  readonly tombstoneRate: number;
  readonly historyMax: number;
  /** Emit this many records, then retire the topic; null: no limit. */
  readonly recordsExactly: number | null;
}

export interface VolubleSpec {
  readonly topics: readonly TopicSpec[];
  /** Sluice extension (`global.seed`): reproducible output. Null: unseeded, as upstream. */
  readonly seed: number | null;
}

/** One offending key, its value, and what is wrong with it. */
export interface ConfigProblem {
  readonly key: string;
  readonly value: string;
  readonly message: string;
}
