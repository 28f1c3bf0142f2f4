import { isObject, type Json, type JsonObject, SchemaError } from './avro-json.js';

/**
 * `arg.properties` of one Avro type (read from the type object, never the field), checked for the
 * combinations the avro-random-generator rejects.
 */
export interface ArgProperties {
  readonly options?: readonly Json[];
  readonly iteration?: {
    readonly start: number;
    readonly step: number;
    readonly restart?: number;
    readonly initial?: number;
  };
  readonly range?: { readonly min?: number; readonly max?: number };
  readonly length?: { readonly min: number; readonly max: number };
  readonly regex?: string;
  readonly prefix?: string;
  readonly suffix?: string;
  readonly odds?: number;
  readonly keys?: JsonObject;
}

function num(value: Json | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new SchemaError(`${what} must be a number`);
  return value;
}

export function readArgProperties(type: JsonObject): ArgProperties {
  const raw = type['arg.properties'];
  if (raw === undefined) return {};
  if (!isObject(raw)) throw new SchemaError('arg.properties must be an object');
  const given = (k: string) => raw[k] !== undefined;
  for (const [first, others] of [
    ['options', ['iteration', 'length', 'regex', 'range']],
    ['iteration', ['length', 'regex', 'range']],
  ] as const) {
    for (const other of others) {
      if (given(first) && given(other))
        throw new SchemaError(`Cannot specify ${other} prop when ${first} prop is given`);
    }
  }
  const props: { -readonly [K in keyof ArgProperties]: ArgProperties[K] } = {};
  if (given('options')) {
    const options = raw.options;
    if (isObject(options)) throw new SchemaError('options files are not supported; list the options inline');
    if (!Array.isArray(options) || options.length === 0)
      throw new SchemaError('options must be a non-empty array');
    props.options = options;
  }
  if (given('iteration')) {
    const it = raw.iteration;
    if (!isObject(it)) throw new SchemaError('iteration must be an object');
    const start = num(it.start, 'iteration.start');
    if (start === undefined && typeof it.start !== 'boolean')
      throw new SchemaError('iteration needs a start');
    const step = num(it.step, 'iteration.step') ?? 1;
    const restart = num(it.restart, 'iteration.restart');
    if (step === 0) throw new SchemaError('iteration.step must not be 0');
    if (restart !== undefined && restart === start)
      throw new SchemaError('iteration.start must differ from iteration.restart');
    props.iteration = {
      start: start ?? (it.start === true ? 1 : 0),
      step,
      restart,
      initial: num(it.initial, 'iteration.initial'),
    };
  }
  if (given('range')) {
    const r = raw.range;
    if (!isObject(r)) throw new SchemaError('range must be an object');
    const min = num(r.min, 'range.min');
    const max = num(r.max, 'range.max');
    if (min !== undefined && max !== undefined && min >= max)
      throw new SchemaError('range.min must be less than range.max');
    props.range = { min, max };
  }
  if (given('length')) {
    const l = raw.length;
    if (typeof l === 'number') props.length = { min: l, max: l + 1 };
    else if (isObject(l))
      props.length = { min: num(l.min, 'length.min') ?? 0, max: num(l.max, 'length.max') ?? 16 };
    else throw new SchemaError('length must be a number or {min, max}');
  }
  if (given('regex')) {
    if (typeof raw.regex !== 'string') throw new SchemaError('regex must be a string');
    props.regex = raw.regex;
  }
  if (typeof raw.prefix === 'string') props.prefix = raw.prefix;
  if (typeof raw.suffix === 'string') props.suffix = raw.suffix;
  if (given('odds')) props.odds = num(raw.odds, 'odds');
  if (isObject(raw.keys)) props.keys = raw.keys;
  return props;
}

/**
 * The n-th value of an iteration: start + ((initial − start) + n·step) wrapped into the span
 * from start to restart.
 */
export function iterationValue(
  it: NonNullable<ArgProperties['iteration']>,
  n: number,
  typeMax: number,
): number {
  const restart = it.restart ?? (it.step > 0 ? typeMax : -typeMax);
  const span = restart - it.start;
  const offset = (it.initial ?? it.start) - it.start + n * it.step;
  return it.start + (offset - span * Math.floor(offset / span));
}
