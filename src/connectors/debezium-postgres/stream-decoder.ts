import type { ConnectHeader, SourcePartition, SourceRecord } from '../../connect/api/index.js';
import type { Catalog } from './catalog.js';
import {
  changeRecord,
  type EventPosition,
  type EventTime,
  eventTime,
  keyChangeHeader,
  sequenceOf,
  tombstoneRecord,
} from './change-events.js';
import type { CommitTracker } from './commit-tracker.js';
import type { ValueModes } from './config.js';
import type { CaptureFilter } from './filters.js';
import { parseLsn } from './lsn.js';
import { TableSchema, type TupleValues } from './table-schema.js';
import type { WalMessage } from './wal-stream.js';

// Turns pgoutput messages into Debezium change records, transaction by transaction. Each record's
// offset names its transaction's commit LSN and how many of its changes are done, so a restart
// can resume inside a transaction the runtime had only partly written.

/** Where a restarted stream resumes: changes of the transaction committed at `commitLsn` up to `events` are skipped. */
export interface ResumePoint {
  readonly commitLsn: bigint;
  readonly events: number;
}

interface OpenTransaction {
  readonly xid: number;
  /** The LSN of the commit record (pgoutput's BEGIN gives it up front). */
  readonly commitLsn: bigint;
  readonly commitTime: EventTime;
  /** Change messages seen so far, the skipped ones included. */
  events: number;
  readonly skipThrough: number;
}

export interface DecoderOptions {
  readonly serverName: string;
  readonly db: string;
  readonly partition: SourcePartition;
  readonly filter: CaptureFilter;
  readonly modes: ValueModes;
  readonly tombstonesOnDelete: boolean;
  /** Debezium's context headers, put on every record (see contextHeaders). */
  readonly headers: readonly ConnectHeader[];
}

export class StreamDecoder {
  private readonly relations = new Map<number, TableSchema | null>();
  private txn: OpenTransaction | undefined;
  private lastCommitLsn: bigint | null = null;

  private readonly options: DecoderOptions;
  private readonly catalog: Catalog;
  private readonly tracker: CommitTracker;
  private resume: ResumePoint | null;

  constructor(options: DecoderOptions, catalog: Catalog, tracker: CommitTracker, resume: ResumePoint | null) {
    this.options = options;
    this.catalog = catalog;
    this.tracker = tracker;
    this.resume = resume;
  }

  /** The records of one message (most messages have none); transaction bounds go to the tracker. */
  async decode(lsn: bigint, message: WalMessage): Promise<SourceRecord[]> {
    switch (message.tag) {
      case 'begin': {
        const commitLsn = parseLsn(message.commitLsn);
        const resume = this.resume !== null && this.resume.commitLsn === commitLsn ? this.resume.events : 0;
        this.resume = null;
        this.txn = {
          xid: message.xid >>> 0,
          commitLsn,
          commitTime: eventTime(BigInt(message.commitTime as unknown as bigint)),
          events: 0,
          skipThrough: resume,
        };
        this.tracker.begin();
        return [];
      }
      case 'commit':
        this.tracker.complete(parseLsn(message.commitEndLsn));
        // Debezium's sequence names the end of the last commit (where its COMMIT message is sent
        // from), not the commit record's start.
        if (this.txn !== undefined) this.lastCommitLsn = parseLsn(message.commitEndLsn);
        this.txn = undefined;
        return [];
      case 'relation':
        await this.relation(message);
        return [];
      case 'insert':
      case 'update':
      case 'delete': {
        const txn = this.txn;
        if (txn === undefined) throw new Error(`A ${message.tag} outside a transaction at ${lsn}`);
        txn.events++;
        if (txn.events <= txn.skipThrough) return [];
        const table = this.relations.get(message.relation.relationOid);
        if (table === undefined || table === null) return [];
        const records = this.records(table, lsn, txn, message);
        for (const r of records) this.tracker.add(r);
        return records;
      }
      case 'truncate':
        // Debezium skips truncates by default (skipped.operations=t); they still count as changes.
        if (this.txn !== undefined) this.txn.events++;
        return [];
      default:
        return [];
    }
  }

  /** A Relation message: the table's current shape, which later changes of it follow. */
  private async relation(message: Extract<WalMessage, { tag: 'relation' }>): Promise<void> {
    const id = { schema: message.schema, table: message.name };
    if (!this.options.filter.table(id)) {
      this.relations.set(message.relationOid, null);
      return;
    }
    // Relation messages follow schema changes: an enum may have new labels.
    this.catalog.forgetTypes();
    const described = await this.catalog.describe(message.relationOid);
    const names = new Set(message.columns.map((c) => c.name));
    const columns = [];
    for (const c of message.columns) {
      columns.push({
        name: c.name,
        type: await this.catalog.type(c.typeOid, c.typeMod),
        notNull: described?.columns.find((d) => d.name === c.name)?.notNull ?? false,
      });
    }
    const primaryKey =
      described?.primaryKey.filter((k) => names.has(k)) ??
      (message.replicaIdentity === 'default' ? message.keyColumns : []);
    this.relations.set(
      message.relationOid,
      new TableSchema(
        id,
        { columns, primaryKey },
        { prefix: this.options.serverName, filter: this.options.filter, modes: this.options.modes },
      ),
    );
  }

  private position(lsn: bigint, txn: OpenTransaction, eventsDone: number): EventPosition {
    return {
      partition: this.options.partition,
      offset: {
        lsn: Number(lsn),
        lsn_commit: Number(txn.commitLsn),
        txId: txn.xid,
        ts_usec: txn.commitTime.us,
        event_serial_no: eventsDone,
      },
      source: {
        serverName: this.options.serverName,
        db: this.options.db,
        time: txn.commitTime,
        snapshot: 'false',
        sequence: sequenceOf(this.lastCommitLsn, lsn),
        txId: txn.xid,
        lsn,
      },
    };
  }

  private records(
    table: TableSchema,
    lsn: bigint,
    txn: OpenTransaction,
    message: Extract<WalMessage, { tag: 'insert' | 'update' | 'delete' }>,
  ): SourceRecord[] {
    // Records that complete the change carry its number; earlier ones (a delete before its
    // tombstone) the previous number, so a restart after them re-sends the whole change.
    const done = this.position(lsn, txn, txn.events);
    const headers = this.options.headers;
    if (message.tag === 'insert') {
      const values = message.new as TupleValues;
      return [
        changeRecord(table, 'c', table.key(values), null, table.row(values, 'unavailable'), done, headers),
      ];
    }
    // A full old row (REPLICA IDENTITY FULL) or only the key columns (the default identity).
    const full = message.old !== null;
    const old = (message.old ?? message.key) as TupleValues | null;
    const before = old === null ? null : table.row(old, full ? 'unavailable' : 'fallback');
    const partial = this.position(lsn, txn, txn.events - 1);
    if (message.tag === 'delete') {
      const key = table.key(old ?? {});
      if (!this.options.tombstonesOnDelete)
        return [changeRecord(table, 'd', key, before, null, done, headers)];
      return [
        changeRecord(table, 'd', key, before, null, partial, headers),
        tombstoneRecord(table, key, done, headers),
      ];
    }
    const values = message.new as TupleValues;
    const after = table.row(values, 'unavailable');
    if (old !== null && table.keyChanged(old, values)) {
      // As Debezium does when an UPDATE changes the primary key: a delete of the old key, its
      // tombstone, and a create under the new key, each naming the other key in a header.
      const oldKey = table.key(old);
      const newKey = table.key(values);
      const toNew = [keyChangeHeader('newkey', newKey), ...headers];
      const out = [changeRecord(table, 'd', oldKey, before, null, partial, toNew)];
      if (this.options.tombstonesOnDelete) out.push(tombstoneRecord(table, oldKey, partial, toNew));
      out.push(
        changeRecord(table, 'c', newKey, null, after, done, [keyChangeHeader('oldkey', oldKey), ...headers]),
      );
      return out;
    }
    return [changeRecord(table, 'u', table.key(values), before, after, done, headers)];
  }
}
