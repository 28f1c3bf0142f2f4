import { LogError, type TopicSpec } from '../../log/index.js';

/** The log cannot be reached now (a remote log's server restarting): retrying can succeed. */
export function isUnavailable(err: unknown): boolean {
  return err instanceof LogError && err.code === 'UNAVAILABLE';
}

/**
 * Creates a topic unless another writer (a sink's assignment, another task, another worker) just
 * did: resolves whether this call created it.
 */
export async function createTopicIfMissing(
  log: { createTopic(topic: string, spec: TopicSpec): Promise<unknown> },
  topic: string,
  partitions: number,
  config?: Readonly<Record<string, string>>,
): Promise<boolean> {
  try {
    await log.createTopic(topic, config === undefined ? { partitions } : { partitions, config });
    return true;
  } catch (err) {
    if (err instanceof LogError && err.code === 'TOPIC_EXISTS') return false;
    throw err;
  }
}
