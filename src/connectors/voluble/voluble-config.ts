import { ConfigException, type ConfigValue } from '../../connect/api/index.js';
import { DirectiveError } from './directives.js';
import { compileExpression } from './expression.js';
import { VOLUBLE_CONFIG_DEF } from './global-config.js';
import { parseVolubleConfig } from './parse-config.js';
import { createRandomSource, type RandomSource } from './random-source.js';
import type { ConfigProblem, VolubleSpec } from './voluble-spec.js';

export { VOLUBLE_CONFIG_DEF } from './global-config.js';

const NO_WORK = 'No usable properties - refusing to start since there is no work to do.';

let scratchRandom: RandomSource | undefined;

/** Every problem of a Voluble config, by key: grammar, knobs, references, expressions. */
export function volubleConfigProblems(props: Readonly<Record<string, string>>): {
  spec: VolubleSpec;
  problems: ConfigProblem[];
} {
  const { spec, problems } = parseVolubleConfig(props);
  scratchRandom ??= createRandomSource(0);
  for (const topic of spec.topics) {
    for (const slot of [topic.key, topic.value]) {
      const leaves = slot.shape === 'primitive' ? [slot.leaf] : slot.shape === 'complex' ? slot.leaves : [];
      for (const { generator: g } of leaves) {
        if (g.kind === 'matching') continue;
        try {
          compileExpression(g.expression, scratchRandom);
        } catch (err) {
          if (!(err instanceof DirectiveError)) throw err;
          problems.push({
            key: g.configKey,
            value: g.expression,
            message: `Expression ${g.expression} cannot be evaluated: ${err.message}`,
          });
        }
      }
    }
  }
  if (spec.topics.length === 0 && problems.length === 0) {
    problems.push({
      key: 'connector.class',
      value: props['connector.class'] ?? '',
      message: `${NO_WORK} Add a generator such as 'genkp.<topic>.with' = '#{Internet.uuid}'.`,
    });
  }
  return { spec, problems };
}

/** Kafka Connect's validate answer: the fixed keys, then one entry per offending pattern key. */
export function validateVolubleConfig(props: Readonly<Record<string, string>>): ConfigValue[] {
  const fixed = VOLUBLE_CONFIG_DEF.validate(props);
  const fixedNames = new Set(fixed.map((v) => v.name));
  const { problems } = volubleConfigProblems(props);
  const extra = new Map<string, { value: string; errors: string[] }>();
  for (const p of problems) {
    // The ConfigDef already reports type errors of the fixed keys.
    if (fixedNames.has(p.key)) {
      const declared = fixed.find((v) => v.name === p.key);
      if (declared !== undefined && declared.errors.length > 0) continue;
    }
    const entry = extra.get(p.key) ?? { value: p.value, errors: [] };
    entry.errors.push(p.message);
    extra.set(p.key, entry);
  }
  const merged = fixed.map((v) => {
    const more = extra.get(v.name);
    if (more === undefined) return v;
    extra.delete(v.name);
    return { ...v, errors: [...v.errors, ...more.errors] };
  });
  for (const [name, { value, errors }] of extra) {
    merged.push({ name, value, recommendedValues: [], errors, visible: true });
  }
  return merged;
}

/** The spec of a valid config; otherwise a ConfigException naming each offending key. */
export function parseValidVolubleConfig(props: Readonly<Record<string, string>>): VolubleSpec {
  const { spec, problems } = volubleConfigProblems(props);
  if (problems.length > 0) {
    throw new ConfigException(
      problems.map((p) => ({
        key: p.key,
        message: `Configuration problem: ${p.message} (${p.key} = ${p.value})`,
      })),
    );
  }
  return spec;
}
