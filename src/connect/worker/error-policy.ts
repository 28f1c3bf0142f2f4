/** A connector's `errors.*` settings (Kafka Connect's names and defaults). */
export interface ErrorPolicy {
  readonly tolerateAll: boolean;
  readonly retryTimeoutMs: number;
  readonly retryDelayMaxMs: number;
  readonly logErrors: boolean;
  readonly logMessages: boolean;
  readonly deadLetterTopic: string | undefined;
  readonly deadLetterContextHeaders: boolean;
}

export function readErrorPolicy(config: Readonly<Record<string, string>>): ErrorPolicy {
  const dlq = config['errors.deadletterqueue.topic.name']?.trim();
  return {
    tolerateAll: (config['errors.tolerance'] ?? 'none').toLowerCase() === 'all',
    retryTimeoutMs: Number(config['errors.retry.timeout'] ?? 0),
    retryDelayMaxMs: Number(config['errors.retry.delay.max.ms'] ?? 60_000),
    logErrors: (config['errors.log.enable'] ?? 'false') === 'true',
    logMessages: (config['errors.log.include.messages'] ?? 'false') === 'true',
    deadLetterTopic: dlq === undefined || dlq === '' ? undefined : dlq,
    deadLetterContextHeaders: (config['errors.deadletterqueue.context.headers.enable'] ?? 'false') === 'true',
  };
}

/** The stage a record failed in, as Kafka Connect names them in logs and DLQ headers. */
export type ErrorStage =
  | 'TASK_POLL'
  | 'TASK_PUT'
  | 'TRANSFORMATION'
  | 'KEY_CONVERTER'
  | 'VALUE_CONVERTER'
  | 'HEADER_CONVERTER'
  | 'KAFKA_PRODUCE'
  | 'KAFKA_CONSUME';

/** The task stops: an error that errors.tolerance does not cover. */
export class ToleranceExceededError extends Error {
  override readonly name = 'ToleranceExceededError';
  constructor(stage: ErrorStage, cause: unknown) {
    super(
      `Tolerance exceeded in error handler (stage ${stage}): ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
}

/** Waits with exponential backoff from 300 ms, capped, as Kafka Connect's retry operator does. */
export function backoffMs(attempt: number, maxMs: number): number {
  return Math.min(maxMs, 300 * 2 ** attempt);
}
