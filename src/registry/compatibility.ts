import type { ParsedSchema } from './schema-kinds.js';

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export function isCompatibilityLevel(value: string): value is CompatibilityLevel {
  return (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

/** An earlier version a new schema is checked against. */
export interface EarlierSchema {
  readonly version: number;
  readonly schema: string;
  readonly parsed: ParsedSchema;
}

/**
 * Why `candidate` breaks `level` against the subject's live versions (newest first), or undefined.
 * The non-transitive levels check the newest only; the transitive ones every version, newest first,
 * stopping at the first failure, as Confluent's checker does. A different schema type always fails.
 */
export function compatibilityProblem(
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  earlierNewestFirst: readonly EarlierSchema[],
): { readonly version: number; readonly schema: string; readonly message: string } | undefined {
  if (level === 'NONE') return undefined;
  const against = level.endsWith('_TRANSITIVE') ? earlierNewestFirst : earlierNewestFirst.slice(0, 1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  for (const earlier of against) {
    if (earlier.parsed.schemaType !== candidate.schemaType)
      return {
        version: earlier.version,
        schema: earlier.schema,
        message: 'Incompatible because of different schema type',
      };
    const problem =
      (backward
        ? explain('the new schema cannot read data written with', candidate, earlier.parsed, earlier)
        : undefined) ??
      (forward
        ? explain('data written with the new schema cannot be read by', earlier.parsed, candidate, earlier)
        : undefined);
    if (problem !== undefined) return { version: earlier.version, schema: earlier.schema, message: problem };
  }
  return undefined;
}

function explain(
  what: string,
  reader: ParsedSchema,
  writer: ParsedSchema,
  earlier: EarlierSchema,
): string | undefined {
  const problem = reader.readProblem(writer);
  return problem === undefined ? undefined : `${what} version ${earlier.version}: ${problem}`;
}
