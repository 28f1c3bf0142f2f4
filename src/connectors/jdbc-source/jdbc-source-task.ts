import type pg from 'pg';
import type {
  ConnectLogger,
  SourcePartition,
  SourceRecord,
  SourceTask,
  SourceTaskContext,
} from '../../connect/api/index.js';
import { isTransientError } from '../postgres/errors.js';
import { abortableSleep, DatabaseSession } from './database-session.js';
import { type JdbcSourceSettings, parseJdbcSourceConfig } from './jdbc-source-config.js';
import { legacyTablePartition, positionFromOffset, QUERY_PARTITION, tablePartition } from './offsets.js';
import {
  BulkQuerier,
  IncrementalQuerier,
  isPlanInvalidated,
  type Querier,
  type QuerySource,
} from './queriers.js';
import { checkOffsetColumnsNotNull } from './table-discovery.js';
import { quotedTable, type TableId, tableFqn } from './table-filter.js';
import { readTaskTables, TABLES_KEY } from './task-tables.js';

export const JDBC_SOURCE_VERSION = '10.8.0-sluice';

/** The longest a poll waits for a source to come due or the database to come back. */
const MAX_POLL_WAIT_MS = 1000;

/**
 * Reads its tables (or the custom query) round by round: a source is due every poll.interval.ms;
 * one that returned a full page keeps the turn until it has caught up, as Confluent's task does.
 * Connects lazily, so a database that is down costs nothing until the first poll, and reconnects
 * after losing the connection; the task fails once connection.attempts attempts in a row fail, or
 * on an error that retrying cannot fix.
 */
export class JdbcSourceTask implements SourceTask {
  private context: SourceTaskContext | undefined;
  private settings: JdbcSourceSettings | undefined;
  private session: DatabaseSession | undefined;
  private queriers: Querier[] = [];
  private tables: TableId[] = [];
  /** The source in the middle of a read: it keeps the turn. */
  private current: Querier | null = null;
  private checkedColumns = false;
  private stopping = new AbortController();

  version(): string {
    return JDBC_SOURCE_VERSION;
  }

  initialize(context: SourceTaskContext): void {
    this.context = context;
  }

  private get logger(): ConnectLogger {
    return this.context?.logger ?? { debug() {}, info() {}, warn() {}, error() {} };
  }

  async start(props: Readonly<Record<string, string>>): Promise<void> {
    const settings = parseJdbcSourceConfig(props);
    this.settings = settings;
    this.stopping = new AbortController();
    this.session = new DatabaseSession(settings.connection, {
      attempts: settings.connectionAttempts,
      backoffMs: settings.connectionBackoffMs,
      timeZone: settings.timeZone,
      applicationName: 'sluice-jdbc-source-task',
      logger: this.logger,
      retrying: (reason) => this.context?.retrying?.(reason),
    });
    const reader = this.context?.offsetStorageReader;
    const incremental = settings.mode !== 'bulk';
    const sources: { source: QuerySource; partitions: SourcePartition[] }[] = [];
    if (settings.query !== null) {
      sources.push({
        source: {
          sql: settings.query,
          topic: settings.topicPrefix,
          partition: QUERY_PARTITION,
          schemaName: undefined,
          label: 'the custom query',
        },
        partitions: [QUERY_PARTITION],
      });
    } else {
      this.tables = readTaskTables(props[TABLES_KEY], settings.connection.database);
      for (const t of this.tables) {
        const partition = tablePartition(t);
        sources.push({
          source: {
            sql: `SELECT * FROM ${quotedTable(t)}`,
            topic: settings.topicPrefix + t.table,
            partition,
            schemaName: t.table,
            label: tableFqn(t),
          },
          partitions: [partition, legacyTablePartition(t)],
        });
      }
    }
    const stored =
      incremental && reader !== undefined && sources.length > 0
        ? await reader.offsets(sources.flatMap((s) => s.partitions))
        : new Map();
    this.queriers = sources.map(({ source, partitions }, i) => {
      if (!incremental) return new BulkQuerier(source, settings);
      // The newest partition form first, as Confluent looks offsets up.
      const offset = partitions.map((p) => stored.get(p) ?? null).find((o) => o !== null) ?? null;
      if (offset !== null) this.logger.info(`Resuming ${source.label} after ${JSON.stringify(offset)}`);
      return new IncrementalQuerier(source, settings, positionFromOffset(offset), i);
    });
    this.current = null;
    this.checkedColumns = false;
    if (this.queriers.length === 0) this.logger.info('No tables assigned to this task; it stays idle.');
  }

  async poll(): Promise<SourceRecord[] | null> {
    const { settings, session } = this;
    if (settings === undefined || session === undefined)
      throw new Error('The JDBC source task was polled before it started.');
    const deadline = Date.now() + MAX_POLL_WAIT_MS;
    while (!this.stopping.signal.aborted) {
      const now = Date.now();
      const querier = this.current ?? this.earliestDue();
      const dueAt = querier === undefined ? deadline : this.current !== null ? now : querier.nextPollAt;
      const waitUntil = session.connected ? dueAt : Math.max(dueAt, session.retryAt);
      if (waitUntil > now) {
        if (now >= deadline) return null;
        await abortableSleep(Math.min(waitUntil, deadline) - now, this.stopping.signal);
        continue;
      }
      if (querier === undefined) return null;
      const client = await session.connect();
      if (client === null) continue;
      try {
        if (!this.checkedColumns) await this.checkColumns(client);
        const page = await querier.nextPage(client, settings.batchMaxRows);
        this.current = page.more ? querier : null;
        if (!page.more) querier.finishRound(Date.now());
        if (page.records.length > 0) return page.records;
      } catch (err) {
        this.current = null;
        querier.abandon();
        if (this.stopping.signal.aborted) return null;
        if (isPlanInvalidated(err)) {
          // The table's columns changed: read again at once, with the new schema.
          querier.replan();
          querier.nextPollAt = 0;
          continue;
        }
        if (!isTransientError(err)) throw err;
        // Confluent's way: log, and query this source again after poll.interval.ms.
        session.lost(err);
        querier.nextPollAt = Date.now() + settings.pollIntervalMs;
      }
    }
    return null;
  }

  /** validate.non.null: offset columns must not be nullable, checked once connected (tables only). */
  private async checkColumns(client: pg.Client): Promise<void> {
    const settings = this.settings as JdbcSourceSettings;
    if (settings.validateNonNull && settings.mode !== 'bulk') {
      for (const t of this.tables) await checkOffsetColumnsNotNull(client, t, settings);
    }
    this.checkedColumns = true;
  }

  private earliestDue(): Querier | undefined {
    let best: Querier | undefined;
    for (const q of this.queriers) if (best === undefined || q.nextPollAt < best.nextPollAt) best = q;
    return best;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.session?.close();
  }
}
