/**
 * A query's WINDOW clause in milliseconds, and the grace and retention ksqlDB 0.29 derives from it
 * when they are not given (Kafka Streams' legacy defaults; EMIT FINAL has no grace by default).
 */

export type WindowSpec =
  | {
      readonly kind: 'TUMBLING';
      readonly sizeMs: number;
      readonly graceMs?: number;
      readonly retentionMs?: number;
    }
  | {
      readonly kind: 'HOPPING';
      readonly sizeMs: number;
      readonly advanceMs: number;
      readonly graceMs?: number;
      readonly retentionMs?: number;
    }
  | {
      readonly kind: 'SESSION';
      readonly gapMs: number;
      readonly graceMs?: number;
      readonly retentionMs?: number;
    };

export type EmitMode = 'CHANGES' | 'FINAL';

/** A window clause that cannot run; the message names the clause and what to change. */
export class WindowSpecError extends Error {
  readonly code = 'WINDOW_SPEC';
  constructor(message: string) {
    super(message);
    this.name = 'WindowSpecError';
  }
}

const DAY_MS = 86_400_000;

const UNIT_MS: Readonly<Record<string, number>> = {
  MILLISECOND: 1,
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: DAY_MS,
};

/** `10 SECONDS` in milliseconds; units singular or plural, any case, as ksqlDB's grammar takes them. */
export function durationMs(value: number, unit: string): number {
  const upper = unit.toUpperCase();
  const ms = UNIT_MS[upper.endsWith('S') ? upper.slice(0, -1) : upper];
  if (ms === undefined) {
    throw new WindowSpecError(
      `Unknown time unit '${unit}': use MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS (singular or plural).`,
    );
  }
  return value * ms;
}

/** Parses `WITH (WINDOW_SIZE='10 SECONDS')`. */
export function parseWindowSize(text: string): number {
  const match = /^\s*(\d+)\s+([A-Za-z]+)\s*$/.exec(text);
  if (match === null) {
    throw new WindowSpecError(
      `Invalid WINDOW_SIZE '${text}': expected a whole number and a time unit, e.g. '10 SECONDS'.`,
    );
  }
  return durationMs(Number(match[1]), match[2]);
}

/** Checks sizes and returns the spec with grace and retention filled in for the emit mode. */
export function resolveWindow(
  spec: WindowSpec,
  emit: EmitMode,
): Required<WindowSpec> & { readonly graceMs: number; readonly retentionMs: number } {
  const positive = (ms: number, what: string) => {
    if (!Number.isSafeInteger(ms) || ms <= 0) {
      throw new WindowSpecError(
        `The ${spec.kind} window's ${what} must be a positive duration, got ${ms} ms.`,
      );
    }
  };
  const span = spec.kind === 'SESSION' ? spec.gapMs : spec.sizeMs;
  positive(span, spec.kind === 'SESSION' ? 'gap' : 'SIZE');
  if (spec.kind === 'HOPPING') {
    positive(spec.advanceMs, 'ADVANCE BY');
    if (spec.advanceMs > spec.sizeMs) {
      throw new WindowSpecError(
        `A HOPPING window's ADVANCE BY (${spec.advanceMs} ms) must not exceed its SIZE (${spec.sizeMs} ms).`,
      );
    }
  }
  if (spec.graceMs !== undefined && !(Number.isSafeInteger(spec.graceMs) && spec.graceMs >= 0)) {
    throw new WindowSpecError(
      `The ${spec.kind} window's GRACE PERIOD must not be negative, got ${spec.graceMs} ms.`,
    );
  }
  const graceMs = spec.graceMs ?? (emit === 'FINAL' ? 0 : Math.max(DAY_MS - span, 0));
  const retentionMs = spec.retentionMs ?? span + graceMs;
  if (retentionMs < span + graceMs) {
    throw new WindowSpecError(
      `The ${spec.kind} window's RETENTION (${retentionMs} ms) must be no smaller than its ${spec.kind === 'SESSION' ? 'gap' : 'size'} plus grace period (${span + graceMs} ms).`,
    );
  }
  return { ...spec, graceMs, retentionMs } as Required<WindowSpec> & { graceMs: number; retentionMs: number };
}
