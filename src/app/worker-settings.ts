import {
  unknownWorkerKeys,
  WITHOUT_EFFECT_GROUP,
  WORKER_CONFIG_DEF,
  WORKER_KEY_PREFIXES,
  WORKER_PREFIXES_WITHOUT_EFFECT,
} from '../config/index.js';

/** The KSQL_CONNECT_* variable that sets a worker property, as ksqlDB's image maps them. */
export function connectEnvName(key: string): string {
  return `KSQL_CONNECT_${key.replaceAll('-', '___').replaceAll('_', '__').replaceAll('.', '_').toUpperCase()}`;
}

export interface WorkerSettingsReview {
  /** Properties nobody reads, with the known one they most likely meant. */
  readonly unknown: { readonly key: string; readonly suggestion: string | undefined }[];
  /** Kafka properties that do nothing for the embedded worker. */
  readonly withoutEffect: string[];
}

/** Sorts the embedded worker's properties into misspelt, without effect, and fine, by their declarations. */
export function reviewWorkerSettings(properties: Readonly<Record<string, string>>): WorkerSettingsReview {
  const withoutEffect = Object.keys(properties)
    .sort()
    .filter((key) => {
      const declared = WORKER_CONFIG_DEF.key(key);
      if (declared !== undefined) return declared.group === WITHOUT_EFFECT_GROUP;
      const passedOn = WORKER_KEY_PREFIXES.some((p) => key.startsWith(p));
      return !passedOn && WORKER_PREFIXES_WITHOUT_EFFECT.some((p) => key.startsWith(p));
    });
  return { unknown: unknownWorkerKeys(properties), withoutEffect };
}

/** The lines the server prints once at start about its worker's settings (none when all is well). */
export function describeWorkerSettingsReview(review: WorkerSettingsReview): string[] {
  const lines = review.unknown.map(
    ({ key, suggestion }) =>
      `WARNING unknown Connect worker setting ${key} (${connectEnvName(key)}) is ignored${
        suggestion === undefined ? '' : `: did you mean ${suggestion} (${connectEnvName(suggestion)})?`
      }`,
  );
  if (review.withoutEffect.length > 0)
    lines.push(
      `NOTE these Connect worker settings do nothing for the embedded worker, which keeps its topics in this server's log (one copy, no Kafka clients): ${review.withoutEffect.join(', ')}. Leave them out, or run an external Connect worker (ksql.connect.url).`,
    );
  return lines;
}
