import { type Log, type LogRecord, replayToEnd } from '../log/index.js';

/** One entry of the command topic: a statement that changed the metastore or the running queries. */
export interface Command {
  readonly statement: string;
  /** Properties set (SET) when the statement ran, so a replay plans it the same way. */
  readonly streamsProperties: Readonly<Record<string, string>>;
  readonly originalProperties: Readonly<Record<string, string>>;
}

/** A command as replayed: its offset in the command topic is its sequence number. */
export interface CommandEntry {
  readonly sequence: number;
  readonly commandId: string;
  readonly command: Command;
}

/** Where executed statements are recorded: the command topic, or a sandbox that only counts. */
export interface CommandWriter {
  readonly topic: string;
  /** The sequence number the next command will get: its offset in the command topic. */
  nextSequence(): number;
  /**
   * The N of the next query id (`CSAS_X_N`, `INSERTQUERY_N`), as ksqlDB's query id generator
   * counts: one past the offset of the last command that executed a plan, which is every command
   * but TERMINATE (0 when there is none). It is the next command's own offset unless a TERMINATE
   * came last.
   */
  nextQueryNumber(): number;
  /** Records a command; resolves to its sequence number. */
  append(commandId: string, command: Command): Promise<number>;
}

/**
 * ksqlDB's command topic (`_confluent-ksql-<service id>_command_topic`): every DDL statement and
 * persistent query is appended here once it succeeds, and replayed in order on start, which rebuilds
 * the metastore and restarts the queries.
 */
/** ksqlDB gives TERMINATE no plan, so it does not move the query id counter. */
function movesQueryNumber(commandId: string): boolean {
  return !commandId.startsWith('terminate/');
}

export class CommandTopic implements CommandWriter {
  readonly topic: string;
  private readonly log: Log;
  private queryNumber = 0;
  /** The topic's end offset: this process is its only writer, so it follows it without asking. */
  private next = 0;

  constructor(log: Log, serviceId: string) {
    this.log = log;
    this.topic = `_confluent-ksql-${serviceId}_command_topic`;
  }

  async ensure(): Promise<void> {
    if (!(await this.log.hasTopic(this.topic))) {
      await this.log.createTopic(this.topic, { partitions: 1, config: { 'retention.ms': '-1' } });
    }
    this.next = await this.log.endOffset(this.topic, 0);
  }

  nextSequence(): number {
    return this.next;
  }

  nextQueryNumber(): number {
    return this.queryNumber;
  }

  /** Appends a command; resolves to its sequence number (its offset). */
  async append(commandId: string, command: Command): Promise<number> {
    const [position] = await this.log.append(this.topic, [
      { key: Buffer.from(commandId), value: Buffer.from(JSON.stringify(command)), partition: 0 },
    ]);
    if (movesQueryNumber(commandId)) this.queryNumber = position.offset + 1;
    this.next = Math.max(this.next, position.offset + 1);
    return position.offset;
  }

  /** Every command in order; the query id counter follows each once the caller has run it. */
  async replay(run: (entry: CommandEntry) => Promise<void>): Promise<void> {
    const [end] = await replayToEnd(this.log, this.topic, async (records: readonly LogRecord[]) => {
      for (const r of records) {
        if (r.value === null || r.key === null) continue;
        const commandId = r.key.toString();
        await run({ sequence: r.offset, commandId, command: JSON.parse(r.value.toString()) as Command });
        if (movesQueryNumber(commandId)) this.queryNumber = r.offset + 1;
      }
    });
    this.next = Math.max(this.next, end);
  }
}

/**
 * A sandbox's command writer: writes nothing, but numbers commands as the command topic would, so
 * the query ids a request's statements see while it is validated are the ids they get when it runs.
 */
export class SandboxCommands implements CommandWriter {
  readonly topic: string;
  private next: number;
  private queryNumber: number;

  constructor(of: CommandWriter) {
    this.topic = of.topic;
    this.next = of.nextSequence();
    this.queryNumber = of.nextQueryNumber();
  }

  nextSequence(): number {
    return this.next;
  }

  nextQueryNumber(): number {
    return this.queryNumber;
  }

  async append(commandId: string): Promise<number> {
    const sequence = this.next++;
    if (movesQueryNumber(commandId)) this.queryNumber = sequence + 1;
    return sequence;
  }
}
