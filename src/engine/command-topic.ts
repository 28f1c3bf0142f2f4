import type { Log } from '../log/index.js';

/** One entry of the command topic: a statement that changed the metastore or the running queries. */
export interface Command {
  readonly statement: string;
  /** Properties set (SET) when the statement ran, so a replay plans it the same way. */
  readonly streamsProperties: Readonly<Record<string, string>>;
  readonly originalProperties: Readonly<Record<string, string>>;
}

/**
 * ksqlDB's command topic (`_confluent-ksql-<service id>_command_topic`): every DDL statement and
 * persistent query is appended here once it succeeds, and replayed in order on start, which rebuilds
 * the metastore and restarts the queries.
 */
export class CommandTopic {
  readonly topic: string;
  private readonly log: Log;

  constructor(log: Log, serviceId: string) {
    this.log = log;
    this.topic = `_confluent-ksql-${serviceId}_command_topic`;
  }

  async ensure(): Promise<void> {
    if (!this.log.hasTopic(this.topic)) {
      await this.log.createTopic(this.topic, { partitions: 1, config: { 'retention.ms': '-1' } });
    }
  }

  /** Appends a command; resolves to its sequence number (its offset). */
  async append(commandId: string, command: Command): Promise<number> {
    const [position] = await this.log.append(this.topic, [
      { key: Buffer.from(commandId), value: Buffer.from(JSON.stringify(command)), partition: 0 },
    ]);
    return position.offset;
  }

  async *replay(): AsyncGenerator<{ sequence: number; commandId: string; command: Command }> {
    let offset = this.log.beginningOffset(this.topic, 0);
    const end = this.log.endOffset(this.topic, 0);
    while (offset < end) {
      const { records, nextOffset } = await this.log.read(this.topic, 0, offset);
      for (const r of records) {
        if (r.value === null || r.key === null) continue;
        yield {
          sequence: r.offset,
          commandId: r.key.toString(),
          command: JSON.parse(r.value.toString()) as Command,
        };
      }
      offset = nextOffset;
    }
  }
}
