import {
  type Log,
  LogError,
  type PartitionDescription,
  type ProduceRecord,
  type RecordPosition,
  type TopicDescription,
  type TopicSpec,
} from '../log/index.js';

/**
 * A view of a log for validating a request before it runs: reads see the real log with the topics
 * the request created or deleted so far, and nothing reaches the real log (no topic created or
 * deleted, no record appended, no offset committed).
 */
export function sandboxLog(log: Log): Log {
  const created = new Map<string, TopicDescription>();
  const deleted = new Set<string>();
  const exists = async (name: string) =>
    created.has(name) || (!deleted.has(name) && (await log.hasTopic(name)));
  const unknown = (name: string) => new Error(`Topic ${name} does not exist.`);
  const overrides: Partial<Log> = {
    hasTopic: exists,
    async describeTopic(name: string): Promise<TopicDescription> {
      const own = created.get(name);
      if (own !== undefined) return own;
      if (deleted.has(name)) throw unknown(name);
      return log.describeTopic(name);
    },
    async createTopic(name: string, spec: TopicSpec = {}): Promise<TopicDescription> {
      if (await exists(name)) throw new LogError('TOPIC_EXISTS', `Topic '${name}' already exists.`);
      // A name, partition count or config the real log would refuse fails the request here.
      if (!deleted.has(name)) log.validateTopic(name, spec);
      const partitions: PartitionDescription[] = Array.from(
        { length: spec.partitions ?? 1 },
        (_, partition) => ({
          partition,
          beginningOffset: 0,
          endOffset: 0,
          sizeBytes: 0,
          segments: 0,
        }),
      );
      const description = { name, partitions, config: { ...spec.config } };
      deleted.delete(name);
      created.set(name, description);
      return description;
    },
    async deleteTopic(name: string): Promise<void> {
      if (!(await exists(name))) throw unknown(name);
      created.delete(name);
      deleted.add(name);
    },
    async listTopics(): Promise<string[]> {
      const real = (await log.listTopics()).filter((n) => !deleted.has(n) && !created.has(n));
      return [...real, ...created.keys()].sort();
    },
    async alterTopicConfig(name: string): Promise<TopicDescription> {
      return overrides.describeTopic!(name);
    },
    async append(topic: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]> {
      if (!(await exists(topic))) throw unknown(topic);
      return records.map((r) => ({
        partition: r.partition ?? 0,
        offset: 0,
        timestamp: r.timestamp ?? Date.now(),
      }));
    },
    async commitOffsets(): Promise<void> {},
    async beginningOffset(topic: string, partition: number): Promise<number> {
      return created.has(topic) ? 0 : log.beginningOffset(topic, partition);
    },
    async endOffset(topic: string, partition: number): Promise<number> {
      return created.has(topic) ? 0 : log.endOffset(topic, partition);
    },
  };
  return new Proxy(log, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof Log];
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
