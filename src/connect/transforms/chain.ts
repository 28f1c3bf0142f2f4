import {
  ConfigDef,
  ConfigException,
  type ConfigKey,
  type ConnectRecord,
  type Predicate,
  type Transformation,
} from '../api/index.js';
import {
  isPredicateClass,
  isTransformationClass,
  predicateByClass,
  transformationByClass,
} from './registry.js';

/**
 * A connector's transformation chain, read from its config as Kafka Connect reads it:
 *   transforms=a,b   transforms.a.type=<class>   transforms.a.<prop>=...
 *   transforms.a.predicate=p   transforms.a.negate=true
 *   predicates=p     predicates.p.type=<class>   predicates.p.<prop>=...
 * Every problem is reported by its full key before anything runs.
 */
export interface TransformationStage {
  readonly alias: string;
  readonly transformation: Transformation;
  readonly predicate: { readonly alias: string; readonly predicate: Predicate } | null;
  readonly negate: boolean;
}

export interface TransformationChain {
  readonly stages: readonly TransformationStage[];
}

export interface ChainProblem {
  readonly key: string;
  readonly message: string;
}

/** The keys a stage reads itself; everything else under its prefix goes to the plugin. */
const STAGE_KEYS = new Set(['type', 'predicate', 'negate']);

function listValue(text: string | undefined): string[] {
  return text === undefined || text.trim() === '' ? [] : text.split(',').map((s) => s.trim());
}

/** The plugin's own keys, renamed under `prefix`, so messages name the full key. */
function prefixed(def: ConfigDef, prefix: string): ConfigDef {
  const out = new ConfigDef();
  for (const key of def.configKeys()) out.define({ ...key, name: prefix + key.name } as ConfigKey);
  return out;
}

function pluginProps(config: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k.startsWith(prefix) && !STAGE_KEYS.has(k.slice(prefix.length))) props[k.slice(prefix.length)] = v;
  }
  return props;
}

interface Plugin {
  configure(configs: Readonly<Record<string, string>>): void;
  config(): ConfigDef;
  close(): void;
}

/** Creates and configures one plugin, adding its problems under `prefix`; undefined when it failed. */
function configurePlugin<P extends Plugin>(
  config: Readonly<Record<string, string>>,
  prefix: string,
  kind: 'Transformation' | 'Predicate',
  problems: ChainProblem[],
): P | undefined {
  const typeKey = `${prefix}type`;
  const className = config[typeKey];
  if (className === undefined || className.trim() === '') {
    problems.push({
      key: typeKey,
      message: `Missing required configuration "${typeKey}" which has no default value.`,
    });
    return undefined;
  }
  const isKind = kind === 'Transformation' ? isTransformationClass : isPredicateClass;
  const isOther = kind === 'Transformation' ? isPredicateClass : isTransformationClass;
  if (!isKind(className)) {
    const why = isOther(className) ? `Not a ${kind}` : `Class ${className} could not be found.`;
    problems.push({
      key: typeKey,
      message: `Invalid value ${className} for configuration ${typeKey}: ${why}`,
    });
    return undefined;
  }
  const plugin = (kind === 'Transformation'
    ? transformationByClass(className)
    : predicateByClass(className)) as unknown as P;
  const keyProblems = prefixed(plugin.config(), prefix)
    .validate(config)
    .flatMap((v) => v.errors.map((message) => ({ key: v.name, message })));
  if (keyProblems.length > 0) {
    problems.push(...keyProblems);
    return undefined;
  }
  try {
    plugin.configure(pluginProps(config, prefix));
    return plugin;
  } catch (err) {
    if (err instanceof ConfigException)
      problems.push(...err.problems.map((p) => ({ key: prefix + p.key, message: p.message })));
    else
      problems.push({
        key: typeKey,
        message: `Invalid value ${className} for configuration ${typeKey}: ${(err as Error).message}`,
      });
    return undefined;
  }
}

function duplicates(aliases: string[], key: string, problems: ChainProblem[]): void {
  if (new Set(aliases).size < aliases.length)
    problems.push({
      key,
      message: `Invalid value ${aliases.join(',')} for configuration ${key}: Duplicate alias provided.`,
    });
}

function assemble(config: Readonly<Record<string, string>>): {
  stages: TransformationStage[];
  problems: ChainProblem[];
} {
  const problems: ChainProblem[] = [];
  const transformAliases = listValue(config.transforms);
  const predicateAliases = listValue(config.predicates);
  duplicates(transformAliases, 'transforms', problems);
  duplicates(predicateAliases, 'predicates', problems);

  const predicates = new Map<string, Predicate>();
  for (const alias of new Set(predicateAliases)) {
    const predicate = configurePlugin<Predicate>(config, `predicates.${alias}.`, 'Predicate', problems);
    if (predicate !== undefined) predicates.set(alias, predicate);
  }

  const stages: TransformationStage[] = [];
  for (const alias of new Set(transformAliases)) {
    const prefix = `transforms.${alias}.`;
    const transformation = configurePlugin<Transformation>(config, prefix, 'Transformation', problems);
    const predicateAlias = config[`${prefix}predicate`]?.trim();
    const negateText = config[`${prefix}negate`]?.trim();
    let negate = false;
    if (negateText !== undefined) {
      if (/^(true|false)$/i.test(negateText)) negate = negateText.toLowerCase() === 'true';
      else
        problems.push({
          key: `${prefix}negate`,
          message: `Invalid value ${negateText} for configuration ${prefix}negate: Expected value to be either true or false`,
        });
    }
    let predicate: TransformationStage['predicate'] = null;
    if (predicateAlias !== undefined && predicateAlias !== '') {
      if (!predicateAliases.includes(predicateAlias)) {
        problems.push({
          key: `${prefix}predicate`,
          message: `Invalid value ${predicateAlias} for configuration ${prefix}predicate: the predicate alias is not listed in "predicates".`,
        });
      } else {
        const p = predicates.get(predicateAlias);
        if (p !== undefined) predicate = { alias: predicateAlias, predicate: p };
      }
    }
    if (transformation !== undefined) stages.push({ alias, transformation, predicate, negate });
  }
  return { stages, problems };
}

/** Every problem of the chain config, by full key; nothing is kept running. */
export function validateChain(config: Readonly<Record<string, string>>): ChainProblem[] {
  const { stages, problems } = assemble(config);
  closeChain({ stages });
  return problems;
}

/** The configured chain, or a ConfigException listing every problem by full key. */
export function buildChain(config: Readonly<Record<string, string>>): TransformationChain {
  const { stages, problems } = assemble(config);
  if (problems.length > 0) {
    closeChain({ stages });
    throw new ConfigException(problems);
  }
  return { stages };
}

/** Runs the record through each stage whose predicate (xor negate) holds; null once a stage drops it. */
export function applyChain<R extends ConnectRecord>(chain: TransformationChain, record: R): R | null {
  let current: R = record;
  for (const stage of chain.stages) {
    if (stage.predicate !== null && stage.predicate.predicate.test(current) === stage.negate) continue;
    const next = stage.transformation.apply(current) as R | null;
    if (next === null) return null;
    current = next;
  }
  return current;
}

export function closeChain(chain: TransformationChain): void {
  const predicates = new Set<Predicate>();
  for (const stage of chain.stages) {
    stage.transformation.close();
    if (stage.predicate !== null) predicates.add(stage.predicate.predicate);
  }
  for (const p of predicates) p.close();
}
