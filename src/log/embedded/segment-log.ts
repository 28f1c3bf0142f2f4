import { randomBytes, randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidPartition, LogError, unknownTopic } from '../errors.js';
import { CONSUMER_OFFSETS_TOPIC, GroupCoordinator, offsetCommitRecord } from '../group-coordinator.js';
import { partitionForKey } from '../partitioner.js';
import type {
  KafkaBatchesResult,
  Log,
  LogTransaction,
  ProduceRecord,
  ReadOptions,
  ReadResult,
  RecordHeader,
  RecordPosition,
  TopicDescription,
  TopicPartition,
  TopicPartitionOffset,
  TopicSpec,
} from '../types.js';
import { compactPartition, enforceRetention } from './cleaner.js';
import { lockDataDir } from './data-dir-lock.js';
import { checkKafkaBatch, stampKafkaBatch } from './kafka-batch.js';
import { openFileLimit, segmentFileBudget } from './open-file-budget.js';
import { PartitionLog } from './partition-log.js';
import { type BatchInput, encodeBatch, recordSize } from './record-batch.js';
import { checkTopicName, resolveTopicConfig, type TopicSettings, topicSettings } from './topic-config.js';
import { SegmentLogTransaction, type TransactionWrite } from './transaction.js';

export type Durability = 'interval' | 'fsync';

export interface SegmentLogOptions {
  readonly dataDir: string;
  /** `fsync`: an append resolves after fdatasync. `interval` (default): flushed every flushIntervalMs. */
  readonly durability?: Durability;
  readonly flushIntervalMs?: number;
  /** How often retention and compaction run; 0 turns the background cleaner off. */
  readonly cleanerIntervalMs?: number;
  /** Most partitions one topic may have (default 1000). */
  readonly maxPartitionsPerTopic?: number;
  /**
   * Most segment files open at once, each holding a descriptor; default: the process's open-file
   * limit less a reserve for sockets. New topics must fit in it.
   */
  readonly maxOpenSegments?: number;
}

export const DEFAULT_MAX_PARTITIONS_PER_TOPIC = 1000;

export interface OpenReport {
  /** True when the previous process did not close the log (killed, crashed, power lost). */
  readonly recovered: boolean;
  readonly truncatedBytes: number;
  readonly corruptSegments: string[];
  /** Transactions that had begun to commit and had not: their records were taken out again. */
  readonly abortedTransactions: string[];
}

interface Topic {
  readonly name: string;
  /** Kafka's topic id: made at creation, so a topic deleted and created again has another. */
  readonly id: string;
  readonly partitions: PartitionLog[];
  config: Record<string, string>;
  settings: TopicSettings;
  readonly dir: string;
  /** Round-robin position for records without key or partition. */
  nextPartition: number;
}

interface TopicMeta {
  readonly name: string;
  /** Absent in topics created before ids were kept: one is made and saved when the log opens. */
  readonly id?: string;
  readonly partitions: number;
  readonly config: Record<string, string>;
}

const NO_HEADERS: readonly RecordHeader[] = [];
/** Most bytes a stored Kafka batch's records may decompress to: what the Kafka listener accepts. */
const MAX_KAFKA_RECORDS_BYTES = 16 * 1024 * 1024;

/** The embedded `Log`: topics of partitions of segment files under one data dir. */
export class SegmentLog implements Log {
  private readonly topics = new Map<string, Topic>();
  /** Committed group offsets: a coordinator over this log's __consumer_offsets, set once open. */
  private coordinator!: GroupCoordinator;
  /** The newest epoch of each transactional id: older transactions with that id are fenced. */
  private readonly transactionEpochs = new Map<string, number>();
  /** Rolled-back transactions whose `abort` record could not be written yet (a full disk). */
  private readonly pendingAborts = new Map<string, readonly TransactionStart[]>();
  private readonly durability: Durability;
  private flushTimer: NodeJS.Timeout | undefined;
  private cleanerTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private cleaning: Promise<void> | undefined;
  private backgroundFlush: Promise<void> | undefined;

  readonly dataDir: string;
  readonly clusterId: string;
  /** What opening found: whether recovery ran, bytes of torn tail cut, corrupt segments left. */
  readonly openReport: OpenReport;
  private readonly unlock: () => void;
  private readonly maxPartitionsPerTopic: number;
  private readonly maxOpenSegments: number;

  private constructor(
    dataDir: string,
    options: SegmentLogOptions,
    unlock: () => void,
    openReport: OpenReport,
  ) {
    this.dataDir = dataDir;
    this.clusterId = readOrCreateClusterId(dataDir);
    this.unlock = unlock;
    this.openReport = openReport;
    this.durability = options.durability ?? 'interval';
    this.maxPartitionsPerTopic = options.maxPartitionsPerTopic ?? DEFAULT_MAX_PARTITIONS_PER_TOPIC;
    this.maxOpenSegments = options.maxOpenSegments ?? segmentFileBudget(openFileLimit());
  }

  /** Opens (creating if needed) the data dir, recovering from an unclean shutdown. */
  static async open(options: SegmentLogOptions): Promise<SegmentLog> {
    const dataDir = options.dataDir;
    mkdirSync(join(dataDir, 'topics'), { recursive: true });
    const unlock = lockDataDir(dataDir);
    try {
      const marker = join(dataDir, '.clean-shutdown');
      // A brand-new data dir has nothing to recover.
      const hadMarker = existsSync(marker);
      const clean = hadMarker || !existsSync(join(dataDir, 'cluster.id'));
      if (hadMarker) unlinkSync(marker);
      rmSync(join(dataDir, 'deleted'), { recursive: true, force: true });
      let truncatedBytes = 0;
      const corruptSegments: string[] = [];
      const loaded: Topic[] = [];
      for (const name of readdirSync(join(dataDir, 'topics'))) {
        const dir = join(dataDir, 'topics', name);
        const metaPath = join(dir, 'topic.json');
        if (!existsSync(metaPath)) continue; // a create that did not finish
        const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as TopicMeta;
        const partitions: PartitionLog[] = [];
        for (let p = 0; p < meta.partitions; p++) {
          const { log, report } = PartitionLog.open(name, p, join(dir, String(p)), clean);
          truncatedBytes += report.truncatedBytes;
          corruptSegments.push(...report.corruptSegments);
          partitions.push(log);
        }
        let id = meta.id;
        if (id === undefined) {
          id = newTopicId();
          writeMeta(dir, { ...meta, id });
        }
        loaded.push(makeTopic(name, id, dir, partitions, meta.config));
      }
      const log = new SegmentLog(dataDir, options, unlock, {
        recovered: !clean,
        truncatedBytes,
        corruptSegments,
        abortedTransactions: [],
      });
      for (const t of loaded) log.topics.set(t.name, t);
      await log.recoverTransactions();
      log.coordinator = await GroupCoordinator.open(log);
      log.startTimers(options);
      return log;
    } catch (err) {
      unlock();
      throw err;
    }
  }

  private startTimers(options: SegmentLogOptions): void {
    if (this.durability === 'interval') {
      this.flushTimer = setInterval(() => this.flushInBackground(), options.flushIntervalMs ?? 1000);
      this.flushTimer.unref();
    }
    const cleanerMs = options.cleanerIntervalMs ?? 300_000;
    if (cleanerMs > 0) {
      this.cleanerTimer = setInterval(() => void this.runCleaner().catch(() => {}), cleanerMs);
      this.cleanerTimer.unref();
    }
  }

  private check(): void {
    if (this.closed) throw new LogError('LOG_CLOSED', 'The log is closed.');
  }

  private topic(name: string): Topic {
    this.check();
    const t = this.topics.get(name);
    if (t === undefined) throw unknownTopic(name);
    return t;
  }

  private partition(topic: string, partition: number): PartitionLog {
    const t = this.topic(topic);
    const p = t.partitions[partition];
    if (p === undefined) throw invalidPartition(topic, partition, t.partitions.length);
    return p;
  }

  async hasTopic(name: string): Promise<boolean> {
    this.check();
    return this.topics.has(name);
  }

  validateTopic(name: string, spec: TopicSpec = {}): void {
    this.check();
    checkTopicName(name);
    if (this.topics.has(name)) {
      throw new LogError('TOPIC_EXISTS', `Topic '${name}' already exists.`, { key: name });
    }
    if (spec.replicas !== undefined && spec.replicas !== 1) {
      throw new LogError(
        'INVALID_CONFIG',
        `Topic '${name}' cannot have ${spec.replicas} replicas: the embedded log keeps one copy of every partition. ` +
          'Use REPLICAS=1 (or leave it out), or keep topics in a Kafka cluster (bootstrap.servers) for more copies.',
        { key: name },
      );
    }
    const count = spec.partitions ?? 1;
    const max = this.maxPartitionsPerTopic;
    if (!Number.isInteger(count) || count < 1 || count > max) {
      throw new LogError(
        'INVALID_PARTITION',
        `Invalid partition count ${count} for topic '${name}': use a whole number from 1 to ${max} ` +
          '(sluice.topic.max.partitions).',
      );
    }
    const open = this.openSegmentCount();
    if (open + count > this.maxOpenSegments) {
      throw new LogError(
        'INVALID_PARTITION',
        `Topic '${name}' with ${count} partitions would need ${count} more open files: the log holds ${open} ` +
          `segment files and may keep ${this.maxOpenSegments} open under this process's open-file limit ` +
          `(ulimit -n, less a reserve for connections). Use fewer partitions, delete unused topics, or raise ` +
          'the limit (ulimit -n) before starting the server.',
      );
    }
    resolveTopicConfig(name, spec.config ?? {});
  }

  /** Segment files open now: one descriptor each. */
  private openSegmentCount(): number {
    let n = 0;
    for (const t of this.topics.values()) for (const p of t.partitions) n += p.segments.length;
    return n;
  }

  async createTopic(name: string, spec: TopicSpec = {}): Promise<TopicDescription> {
    this.validateTopic(name, spec);
    const count = spec.partitions ?? 1;
    const config = resolveTopicConfig(name, spec.config ?? {});
    const dir = join(this.dataDir, 'topics', name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const partitions: PartitionLog[] = [];
    for (let p = 0; p < count; p++)
      partitions.push(PartitionLog.open(name, p, join(dir, String(p)), true).log);
    // The metadata file is written last: its presence is what makes the topic exist after a crash.
    const id = newTopicId();
    writeMeta(dir, { name, id, partitions: count, config: nonDefaults(config) });
    this.topics.set(name, makeTopic(name, id, dir, partitions, config));
    return this.describeTopic(name);
  }

  async deleteTopic(name: string): Promise<void> {
    const t = this.topic(name);
    this.topics.delete(name);
    for (const p of t.partitions) p.close();
    const trash = join(this.dataDir, 'deleted', `${name}-${randomUUID()}`);
    mkdirSync(join(this.dataDir, 'deleted'), { recursive: true });
    renameSync(t.dir, trash);
    await rm(trash, { recursive: true, force: true });
  }

  async listTopics(): Promise<string[]> {
    this.check();
    return [...this.topics.keys()].sort();
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    const t = this.topic(name);
    return {
      name,
      topicId: t.id,
      config: { ...t.config },
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        beginningOffset: p.beginningOffset,
        endOffset: p.endOffset,
        sizeBytes: p.sizeBytes,
        segments: p.segments.length,
      })),
    };
  }

  async alterTopicConfig(name: string, config: Readonly<Record<string, string>>): Promise<TopicDescription> {
    const t = this.topic(name);
    const merged = resolveTopicConfig(name, { ...nonDefaults(t.config), ...config });
    writeMeta(t.dir, { name, id: t.id, partitions: t.partitions.length, config: nonDefaults(merged) });
    t.config = merged;
    t.settings = topicSettings(merged);
    return this.describeTopic(name);
  }

  async createPartitions(name: string, count: number): Promise<TopicDescription> {
    const t = this.topic(name);
    const current = t.partitions.length;
    const max = this.maxPartitionsPerTopic;
    if (!Number.isInteger(count) || count <= current || count > max) {
      throw new LogError(
        'INVALID_PARTITION',
        count === current
          ? `Topic '${name}' already has ${current} partitions: give a larger count to add partitions.`
          : `Invalid partition count ${count} for topic '${name}': it has ${current} partitions, and a count ` +
              `can only grow (up to ${max}, sluice.topic.max.partitions); partitions cannot be removed.`,
        { key: name },
      );
    }
    const open = this.openSegmentCount();
    if (open + count - current > this.maxOpenSegments) {
      throw new LogError(
        'INVALID_PARTITION',
        `Topic '${name}' with ${count} partitions would need ${count - current} more open files: the log holds ${open} ` +
          `segment files and may keep ${this.maxOpenSegments} open under this process's open-file limit ` +
          '(ulimit -n, less a reserve for connections). Add fewer partitions or raise the limit before starting the server.',
      );
    }
    const added: PartitionLog[] = [];
    for (let p = current; p < count; p++) {
      // A directory left by an earlier attempt that died before the metadata said so holds nothing of use.
      const dir = join(t.dir, String(p));
      rmSync(dir, { recursive: true, force: true });
      added.push(PartitionLog.open(name, p, dir, true).log);
    }
    // As at creation, the metadata file is the commit point: a crash before it leaves the old count.
    writeMeta(t.dir, { name, id: t.id, partitions: count, config: nonDefaults(t.config) });
    t.partitions.push(...added);
    return this.describeTopic(name);
  }

  async deleteRecords(topic: string, partition: number, offset: number): Promise<number> {
    const t = this.topic(topic);
    if (!t.settings.deleteOld) {
      throw new LogError(
        'INVALID_CONFIG',
        `Records of topic '${topic}' cannot be deleted: its cleanup.policy is ${t.config['cleanup.policy']} (compaction keeps the latest record of each key). Add delete to cleanup.policy first.`,
        { key: topic },
      );
    }
    return this.partition(topic, partition).deleteRecordsBefore(offset);
  }

  async append(topic: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]> {
    this.resolvePendingAborts();
    const t = this.topic(topic);
    return this.writeRouted(t, this.route(t, records, Date.now()));
  }

  /**
   * Checks records and sorts them into per-partition batches: an explicit partition, the key's, or,
   * for records with neither, one partition per call in turn (Kafka's sticky idea). Throws before
   * anything is written.
   */
  private route(t: Topic, records: readonly ProduceRecord[], now: number): RoutedRecords {
    const count = t.partitions.length;
    const sticky = t.nextPartition;
    t.nextPartition = (sticky + 1) % count;
    const targets = new Array<number>(records.length);
    let single = -1;
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      let p: number;
      if (r.partition !== undefined) {
        if (!Number.isInteger(r.partition) || r.partition < 0 || r.partition >= count) {
          throw invalidPartition(t.name, r.partition, count);
        }
        p = r.partition;
      } else if (r.key != null) {
        p = count === 1 ? 0 : partitionForKey(r.key, count);
      } else {
        p = sticky;
      }
      targets[i] = p;
      single = i === 0 ? p : single === p ? p : -2;
    }
    const all = this.toBatchInputs(t, records, now);
    const batches: BatchInput[][] = [];
    const slots: number[][] = [];
    if (single >= 0) {
      batches[single] = all;
    } else {
      for (let i = 0; i < all.length; i++) {
        const p = targets[i];
        if (batches[p] === undefined) {
          batches[p] = [];
          slots[p] = [];
        }
        batches[p].push(all[i]);
        slots[p].push(i);
      }
    }
    return { batches, slots, count: records.length, now };
  }

  /** Writes routed records, one batch per partition; the results are in input order. */
  private writeRouted(t: Topic, routed: RoutedRecords): RecordPosition[] {
    const { batches, slots, now } = routed;
    const results = new Array<RecordPosition>(routed.count);
    for (let p = 0; p < batches.length; p++) {
      const inputs = batches[p];
      if (inputs === undefined || inputs.length === 0) continue;
      const base = this.writeBatch(t, p, inputs, now);
      const at = slots[p];
      for (let j = 0; j < inputs.length; j++) {
        results[at === undefined ? j : at[j]] = {
          partition: p,
          offset: base + j,
          timestamp: inputs[j].timestamp,
        };
      }
    }
    return results;
  }

  /** Appends one batch to one partition (flushed at once under fsync); returns its base offset. */
  private writeBatch(t: Topic, p: number, inputs: readonly BatchInput[], now: number): number {
    const partition = t.partitions[p];
    const base = partition.endOffset;
    const batch = encodeBatch(base, inputs);
    partition.append(
      batch,
      {
        baseOffset: base,
        size: batch.length,
        lastOffset: base + inputs.length - 1,
        firstTimestamp: inputs[0].timestamp,
        maxTimestamp: maxTimestampOf(inputs),
        recordCount: inputs.length,
      },
      t.settings,
      now,
    );
    if (this.durability === 'fsync') partition.flush();
    return base;
  }

  async appendKafkaBatch(topic: string, partition: number, batch: Buffer): Promise<number> {
    this.resolvePendingAborts();
    const t = this.topic(topic);
    const p = this.partition(topic, partition);
    const max = t.settings.maxMessageBytes;
    if (batch.length > max) {
      throw new LogError(
        'RECORD_TOO_LARGE',
        `A batch of ${batch.length} bytes is larger than max.message.bytes=${max} of topic '${t.name}'. Nothing was written; raise max.message.bytes or send smaller batches.`,
      );
    }
    const fields = checkKafkaBatch(batch, {
      compact: t.settings.compact,
      maxRecordsBytes: MAX_KAFKA_RECORDS_BYTES,
    });
    const base = p.endOffset;
    stampKafkaBatch(batch, base);
    p.append(
      batch,
      {
        baseOffset: base,
        size: fields.size,
        lastOffset: base + fields.lastOffsetDelta,
        firstTimestamp: fields.baseTimestamp,
        maxTimestamp: fields.maxTimestamp,
        recordCount: fields.recordCount,
        kafka: fields,
      },
      t.settings,
      Date.now(),
    );
    if (this.durability === 'fsync') p.flush();
    return base;
  }

  async readKafkaBatches(
    topic: string,
    partition: number,
    offset: number,
    options: Omit<ReadOptions, 'maxRecords'>,
  ): Promise<KafkaBatchesResult> {
    return this.partition(topic, partition).readStored(offset, options);
  }

  beginTransaction(transactionalId: string): LogTransaction {
    this.check();
    const epoch = (this.transactionEpochs.get(transactionalId) ?? 0) + 1;
    this.transactionEpochs.set(transactionalId, epoch);
    return new SegmentLogTransaction(transactionalId, {
      route: (topic, records) => {
        const t = this.topic(topic);
        return { topic: t.name, routed: this.route(t, records, Date.now()) };
      },
      checkOffsets: (group, offsets) => this.checkOffsets(group, offsets),
      commit: (writes, offsets) => this.commitTransaction(transactionalId, epoch, writes, offsets),
    });
  }

  /**
   * The commit of a transaction, in one synchronous run so nothing else is written in between:
   * (1) a `prepare` record in __consumer_offsets naming each partition the transaction writes and
   * its end offset now; (2) the records, one batch per partition; (3) one batch in __consumer_offsets
   * holding the group offsets and the `commit` record. That last batch is the commit point: it is
   * whole or, torn by a crash, cut off on recovery. A failure before it truncates the partitions
   * back; a crash before it leaves a `prepare` as the transaction's newest record, and opening the
   * log truncates the partitions it names back (nothing was written after them) and writes `abort`.
   */
  private commitTransaction(
    id: string,
    epoch: number,
    writes: readonly TransactionWrite[],
    offsets: ReadonlyMap<string, readonly TopicPartitionOffset[]>,
  ): void {
    this.check();
    if (this.transactionEpochs.get(id) !== epoch) {
      throw new LogError(
        'PRODUCER_FENCED',
        `Transaction '${id}' was fenced: a newer one with the same id began. Nothing of it was written.`,
      );
    }
    this.resolvePendingAborts();
    const targets: { t: Topic; p: number; inputs: BatchInput[]; now: number }[] = [];
    for (const w of writes) {
      const t = this.topic(w.topic);
      w.routed.batches.forEach((inputs, p) => {
        if (inputs === undefined || inputs.length === 0) return;
        // The topic was deleted and created again with fewer partitions meanwhile.
        if (p >= t.partitions.length) throw invalidPartition(t.name, p, t.partitions.length);
        targets.push({ t, p, inputs, now: w.routed.now });
      });
    }
    const offsetRecords: ProduceRecord[] = [];
    const now = Date.now();
    for (const [group, list] of offsets) {
      for (const o of list) offsetRecords.push(offsetCommitRecord(group, o, now));
    }
    if (targets.length === 0 && offsetRecords.length === 0) return;
    const starts = targets.map(({ t, p }) => ({
      topic: t.name,
      partition: p,
      start: t.partitions[p].endOffset,
    }));
    if (targets.length > 0)
      this.appendInternal([transactionRecord(id, { state: 'prepare', partitions: starts })]);
    try {
      for (const { t, p, inputs, now: at } of targets) this.writeBatch(t, p, inputs, at);
      this.appendInternal([...offsetRecords, transactionRecord(id, { state: 'commit' })]);
    } catch (err) {
      this.rollBack(id, starts);
      throw err;
    }
  }

  /** Takes a transaction's batches out again and records that it was aborted. */
  private rollBack(id: string, starts: readonly TransactionStart[]): void {
    for (const { topic, partition, start } of starts) {
      const p = this.topics.get(topic)?.partitions[partition];
      if (p === undefined) continue;
      p.truncateTo(start);
      if (this.durability === 'fsync') p.flush();
    }
    try {
      this.appendInternal([transactionRecord(id, { state: 'abort' })]);
      this.pendingAborts.delete(id);
    } catch {
      // Until `abort` is written, nothing else may be appended (a restart would truncate it).
      this.pendingAborts.set(id, starts);
    }
  }

  private resolvePendingAborts(): void {
    for (const id of [...this.pendingAborts.keys()]) {
      this.appendInternal([transactionRecord(id, { state: 'abort' })]);
      this.pendingAborts.delete(id);
    }
  }

  /** Appends to __consumer_offsets, synchronously. */
  private appendInternal(records: readonly ProduceRecord[]): void {
    const t = this.topic(CONSUMER_OFFSETS_TOPIC);
    this.writeRouted(t, this.route(t, records, Date.now()));
  }

  private toBatchInputs(t: Topic, records: readonly ProduceRecord[], now: number): BatchInput[] {
    const out = new Array<BatchInput>(records.length);
    const max = t.settings.maxMessageBytes;
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const input: BatchInput = {
        timestamp: r.timestamp ?? now,
        key: r.key ?? null,
        value: r.value ?? null,
        headers: r.headers ?? NO_HEADERS,
      };
      if (t.settings.compact && input.key === null) {
        throw new LogError(
          'INVALID_RECORD',
          `Topic '${t.name}' is compacted (cleanup.policy=compact), so every record needs a key. Nothing was written.`,
          { recordIndex: i },
        );
      }
      if (recordSize(input) > max) {
        throw new LogError(
          'RECORD_TOO_LARGE',
          `A record of ${recordSize(input)} bytes is larger than max.message.bytes=${max} of topic '${t.name}'. Nothing was written; raise max.message.bytes or send smaller records.`,
          { recordIndex: i },
        );
      }
      out[i] = input;
    }
    return out;
  }

  async read(topic: string, partition: number, offset: number, options?: ReadOptions): Promise<ReadResult> {
    return this.partition(topic, partition).read(offset, options);
  }

  async beginningOffset(topic: string, partition: number): Promise<number> {
    return this.partition(topic, partition).beginningOffset;
  }

  async offsetForTimestamp(
    topic: string,
    partition: number,
    timestamp: number,
  ): Promise<{ offset: number; timestamp: number } | undefined> {
    return this.partition(topic, partition).offsetForTimestamp(timestamp);
  }

  async endOffset(topic: string, partition: number): Promise<number> {
    return this.partition(topic, partition).endOffset;
  }

  waitForData(
    topic: string,
    partition: number,
    offset: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean> {
    try {
      return this.partition(topic, partition).waitForData(offset, timeoutMs, signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.check();
    await this.coordinator.commitOffsets(group, offsets);
  }

  /** What a transaction's offsets are checked for when added: the group and each partition exist. */
  private checkOffsets(group: string, offsets: readonly TopicPartitionOffset[]): void {
    if (group.length === 0) throw new LogError('INVALID_CONFIG', 'A consumer group id must not be empty.');
    for (const o of offsets) this.partition(o.topic, o.partition);
  }

  async committedOffsets(group: string, topic?: string): Promise<TopicPartitionOffset[]> {
    this.check();
    return this.coordinator.committedOffsets(group, topic);
  }

  async listGroups(): Promise<string[]> {
    this.check();
    return this.coordinator.listGroups();
  }

  async deleteCommittedOffsets(group: string, partitions?: readonly TopicPartition[]): Promise<void> {
    this.check();
    await this.coordinator.deleteOffsets(group, partitions);
  }

  /**
   * Replays the transaction states in __consumer_offsets: a transaction whose newest record is
   * `prepare` did not commit, and its batches are taken out again. (The offsets beside them are the
   * group coordinator's.)
   */
  private async recoverTransactions(): Promise<void> {
    if (!this.topics.has(CONSUMER_OFFSETS_TOPIC)) return;
    const p = this.partition(CONSUMER_OFFSETS_TOPIC, 0);
    const transactions = new Map<string, TransactionState>();
    let offset = p.beginningOffset;
    while (offset < p.endOffset) {
      const { records, nextOffset } = p.read(offset, { maxRecords: 10_000 });
      for (const r of records) {
        // Transaction keys are JSON objects; the coordinator's offset keys are arrays.
        if (r.key === null || r.key[0] !== 0x7b /* { */) continue;
        const key = JSON.parse(r.key.toString()) as { transaction: string };
        if (r.value === null) transactions.delete(key.transaction);
        else transactions.set(key.transaction, JSON.parse(r.value.toString()) as TransactionState);
      }
      offset = nextOffset;
    }
    for (const [id, state] of transactions) {
      if (state.state !== 'prepare') continue;
      this.rollBack(id, state.partitions);
      this.openReport.abortedTransactions.push(id);
    }
  }

  /** Runs retention and compaction once over every topic. Appends go on meanwhile. */
  runCleaner(now = Date.now()): Promise<void> {
    if (this.cleaning !== undefined) return this.cleaning;
    this.cleaning = (async () => {
      for (const t of [...this.topics.values()]) {
        if (this.closed) return;
        for (const p of t.partitions) {
          if (t.settings.deleteOld) enforceRetention(p, t.settings, now);
          if (t.settings.compact && !this.closed && this.topics.get(t.name) === t) {
            await compactPartition(p, t.settings, now, () => this.closed || this.topics.get(t.name) !== t);
          }
        }
      }
    })().finally(() => {
      this.cleaning = undefined;
    });
    return this.cleaning;
  }

  /** The interval flush, off the event loop; one round at a time. */
  private flushInBackground(): void {
    if (this.backgroundFlush !== undefined || this.closed) return;
    const rounds: Promise<void>[] = [];
    for (const t of this.topics.values()) {
      for (const p of t.partitions) {
        rounds.push(p.flushInBackground((err) => process.stderr.write(`WARNING ${err.message}\n`)));
      }
    }
    this.backgroundFlush = Promise.all(rounds).then(() => {
      this.backgroundFlush = undefined;
    });
  }

  private flushAll(): void {
    for (const t of this.topics.values()) for (const p of t.partitions) p.flush();
  }

  async flush(): Promise<void> {
    this.check();
    this.flushAll();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.flushTimer);
    clearInterval(this.cleanerTimer);
    await this.cleaning?.catch(() => {});
    await this.backgroundFlush;
    for (const t of this.topics.values()) for (const p of t.partitions) p.closeCleanly();
    writeFileSync(join(this.dataDir, '.clean-shutdown'), '');
    this.unlock();
  }
}

/** Kafka-style cluster ids are 22 characters of URL-safe base64 from 16 random bytes. */
function readOrCreateClusterId(dataDir: string): string {
  const path = join(dataDir, 'cluster.id');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const id = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
  writeFileSync(path, id);
  return id;
}

function makeTopic(
  name: string,
  id: string,
  dir: string,
  partitions: PartitionLog[],
  config: Record<string, string>,
): Topic {
  const resolved = resolveTopicConfig(name, nonDefaults(config));
  return {
    name,
    id,
    dir,
    partitions,
    config: resolved,
    settings: topicSettings(resolved),
    nextPartition: 0,
  };
}

function nonDefaults(config: Readonly<Record<string, string>>): Record<string, string> {
  const defaults = resolveTopicConfig('', {});
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) if (defaults[k] !== v) out[k] = v;
  return out;
}

/**
 * A Kafka topic id: 16 random bytes in URL-safe base64, as Kafka's Uuid.randomUuid makes them: never
 * all zeros (no id) or the metadata topic's id 1, and never starting with '-' (it would read as an
 * option on command lines).
 */
function newTopicId(): string {
  for (;;) {
    const bytes = randomBytes(16);
    const id = bytes.toString('base64url');
    const reserved = bytes.subarray(0, 15).every((b) => b === 0) && bytes[15] <= 1;
    if (!reserved && !id.startsWith('-')) return id;
  }
}

function writeMeta(dir: string, meta: TopicMeta): void {
  const tmp = join(dir, 'topic.json.tmp');
  writeFileSync(tmp, JSON.stringify(meta, null, 2));
  renameSync(tmp, join(dir, 'topic.json'));
}

function maxTimestampOf(inputs: readonly BatchInput[]): number {
  let max = -1;
  for (let i = 0; i < inputs.length; i++) if (inputs[i].timestamp > max) max = inputs[i].timestamp;
  return max;
}

/** Records routed to partitions, checked and ready to write. */
interface RoutedRecords {
  readonly batches: BatchInput[][];
  readonly slots: number[][];
  readonly count: number;
  readonly now: number;
}

/** Where a transaction starts writing in one partition. */
interface TransactionStart {
  readonly topic: string;
  readonly partition: number;
  readonly start: number;
}

/** A transaction's record in __consumer_offsets, keyed `{"transaction": id}` beside the offsets. */
type TransactionState =
  | { readonly state: 'prepare'; readonly partitions: readonly TransactionStart[] }
  | { readonly state: 'commit' | 'abort' };

function transactionRecord(id: string, state: TransactionState): ProduceRecord {
  return { key: Buffer.from(JSON.stringify({ transaction: id })), value: Buffer.from(JSON.stringify(state)) };
}
