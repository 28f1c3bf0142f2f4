// Test support: runs the CDC task the way the worker does (poll, write, commitRecord, commit) with
// offsets kept in memory, and turns Connect values into plain data for assertions.
import assert from 'node:assert/strict';
import type {
  ConnectLogger,
  ConnectValue,
  SourceOffset,
  SourcePartition,
  SourceRecord,
} from '../../connect/api/index.js';
import { Struct } from '../../connect/api/index.js';
import { until } from '../../connect/worker/test-worker.fixture.js';
import type { TestPostgres } from '../postgres/test-postgres.fixture.js';
import { PostgresCdcTask } from './postgres-cdc-task.js';

export { until };

export const quietLogger: ConnectLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** The connector config for a test server, with its own slot and topic prefix. */
export function cdcProps(
  db: TestPostgres,
  name: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    'database.hostname': db.host,
    'database.port': String(db.port),
    'database.user': db.user,
    'database.password': db.password,
    'database.dbname': db.database,
    'topic.prefix': name,
    'slot.name': `slot_${name}`,
    'publication.name': `pub_${name}`,
    'poll.interval.ms': '100',
    ...extra,
  };
}

/** Offsets as the runtime stores them: the latest committed per source partition. */
export class MemoryOffsets {
  readonly committed = new Map<string, SourceOffset>();
  async offset(partition: SourcePartition): Promise<SourceOffset | null> {
    return this.committed.get(JSON.stringify(partition)) ?? null;
  }
  async offsets(partitions: readonly SourcePartition[]) {
    return new Map(partitions.map((p) => [p, this.committed.get(JSON.stringify(p)) ?? null]));
  }
}

export interface TaskRun {
  readonly task: PostgresCdcTask;
  /** Polls until `check` holds for the records received so far (by this call); returns them. */
  pollUntil(what: string, check: (records: SourceRecord[]) => boolean, ms?: number): Promise<SourceRecord[]>;
  /** Polls until `n` records arrived. */
  take(n: number): Promise<SourceRecord[]>;
  stop(): Promise<void>;
}

/**
 * Starts a task. With `write` (the default) every polled record is written (commitRecord) and
 * its offset committed (commit), as the worker does; without, records stay in flight.
 */
export async function startTask(
  props: Record<string, string>,
  options: { offsets?: MemoryOffsets; write?: boolean } = {},
): Promise<TaskRun> {
  const offsets = options.offsets ?? new MemoryOffsets();
  const write = options.write ?? true;
  const task = new PostgresCdcTask();
  task.initialize({ configs: props, offsetStorageReader: offsets, logger: quietLogger });
  await task.start(props);
  const pollOnce = async (): Promise<SourceRecord[]> => {
    const records = (await task.poll()) ?? [];
    if (write && records.length > 0) {
      for (const r of records) {
        task.commitRecord(r);
        offsets.committed.set(JSON.stringify(r.sourcePartition), r.sourceOffset);
      }
      task.commit();
    }
    return records;
  };
  const run: TaskRun = {
    task,
    async pollUntil(what, check, ms = 15_000) {
      const deadline = Date.now() + ms;
      const got: SourceRecord[] = [];
      while (!check(got)) {
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; got ${got.length} record(s)`);
        got.push(...(await pollOnce()));
      }
      return got;
    },
    take(n) {
      return run.pollUntil(`${n} records`, (r) => r.length >= n);
    },
    stop: () => task.stop(),
  };
  return run;
}

/** Structs as plain objects (schema-free), for deepEqual. */
export function plain(value: ConnectValue): unknown {
  if (value instanceof Struct) {
    const out: Record<string, unknown> = {};
    for (const f of value.schema.fields ?? []) out[f.name] = plain(value.get(f.name));
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => plain(v));
  return value;
}

/** A record's envelope field (after, before, op, source…) as plain data. */
export function field(record: SourceRecord, name: string): unknown {
  return record.value === null ? undefined : plain((record.value as Struct).get(name));
}

/** The slot's confirmed_flush_lsn as a number. */
export async function confirmedFlush(db: TestPostgres, slot: string): Promise<bigint> {
  const rows = await db.query<{ lsn: string }>(
    "select (confirmed_flush_lsn - '0/0')::text as lsn from pg_replication_slots where slot_name = $1",
    [slot],
  );
  return BigInt(rows[0].lsn);
}

export async function currentWalLsn(db: TestPostgres): Promise<bigint> {
  const rows = await db.query<{ lsn: string }>("select (pg_current_wal_lsn() - '0/0')::text as lsn");
  return BigInt(rows[0].lsn);
}

/** Drops the slots no connection uses (a test server allows only a few). */
export async function dropIdleSlots(db: TestPostgres): Promise<void> {
  await until('idle slots', async () => {
    const rows = await db.query<{ active: boolean }>('select active from pg_replication_slots');
    return rows.every((r) => !r.active);
  });
  await db.query('select pg_drop_replication_slot(slot_name) from pg_replication_slots where not active');
}
