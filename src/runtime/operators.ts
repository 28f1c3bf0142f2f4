// The operators a query's topology is made of. Each takes a batch of rows and gives a batch of rows
// (batch in, batch out), so the same chain serves a persistent query and a push query; only the
// sink at the end differs. Stateful operators (aggregate, window, suppress) take the same batches
// and a handle on the query's state stores (OperatorContext.stores).
import type { LogRecord } from '../log/index.js';
import type { SqlValue } from '../types/index.js';
import type { ProcessingLog } from './processing-log.js';
import type { RuntimeSource } from './runtime-source.js';
import { DecodeError, SourceDecoder } from './source-decoder.js';
import type { StateStores } from './state/index.js';

/**
 * Rows of one batch of source records, in the layout of the operator that produced them. A row
 * marked in `deletes` is a deleted key (a table's tombstone, a stream record without value, a table
 * row that no longer passes the WHERE): only its key columns are known.
 */
export interface RowBatch {
  readonly rows: SqlValue[][];
  readonly deletes: boolean[];
  /** Each row's record time (ROWTIME). */
  readonly timestamps: number[];
  /** Each row's source record, as an index into `records`. */
  readonly origins: number[];
  readonly records: readonly LogRecord[];
  readonly partition: number;
  /**
   * A table's changes carry the row each change replaces (Kafka Streams' old value), or null when
   * the key had no row: what a table's WHERE, HAVING or GROUP BY needs to retract what it emitted.
   * Absent when the rows are a stream's, or a table read without its materialization.
   */
  readonly previous?: (SqlValue[] | null)[];
}

/** What every operator of a query may use. */
export interface OperatorContext {
  /** The query's id, which names its processing-log entries. */
  readonly queryId: string;
  readonly processingLog: ProcessingLog;
  /** Counts a record the query could not process (the query's `failed` figure). */
  readonly countFailure: () => void;
  /**
   * The query's state stores, for stateful operators (an aggregate takes
   * `stores.keyValueStore(name, codec)` and hands it to runtime/aggregate's StreamAggregator); absent
   * for stateless topologies. The query commits them with its output and offsets.
   */
  readonly stores?: StateStores;
  /**
   * ksqlDB's ksql.streams.cache.max.bytes.buffering for this query: an aggregate holds its groups'
   * updates in a record cache of this many bytes and forwards each group once per commit (or when
   * the cache is full). 0 or absent: every update is forwarded at once.
   */
  readonly recordCacheMaxBytes?: number;
}

/**
 * `fn(row)`, or NULL when it throws: the failure is counted and written to the processing log, as
 * ksqlDB does for an expression that fails on one row (a join key that fails joins nothing).
 */
export function evaluateOrNull(
  context: OperatorContext,
  fn: (row: readonly SqlValue[]) => SqlValue,
  row: readonly SqlValue[],
): SqlValue {
  try {
    return fn(row);
  } catch (err) {
    context.countFailure();
    context.processingLog.processingError(context.queryId, row, err as Error);
    return null;
  }
}

/** One step of a topology: a batch of rows in, a batch of rows out. */
export interface Operator {
  /** The step's name in EXPLAIN and the processing log (ksqlDB's logger suffix, e.g. `Project`). */
  readonly name: string;
  process(batch: RowBatch): RowBatch;
  /**
   * What the operator holds back for the next commit (an aggregate's record cache), as rows, at most
   * `max` a call; undefined once nothing is held.
   */
  flush?(max?: number): RowBatch | undefined;
  /** How many entries it holds back (0: nothing to flush). */
  readonly buffered?: number;
  /** It holds more than it may: flush it before processing more. */
  readonly overfull?: boolean;
}

function emptyBatch(records: readonly LogRecord[], partition: number): RowBatch {
  return { rows: [], deletes: [], timestamps: [], origins: [], records, partition };
}

/**
 * Reads records of the source topic into rows: the source's columns, then ROWTIME, ROWPARTITION and
 * ROWOFFSET. A record without value becomes a delete holding its key columns; a record that cannot
 * be read goes to the processing log.
 */
export class SourceOperator {
  readonly name = 'KsqlTopic.Source';
  /** The topic whose records it reads. */
  readonly topic: string;
  private readonly decoder: SourceDecoder;
  private readonly source: RuntimeSource;
  private readonly context: OperatorContext;

  constructor(source: RuntimeSource, usesPseudoColumns: boolean, context: OperatorContext) {
    this.source = source;
    this.topic = source.topic;
    this.context = context;
    this.decoder = new SourceDecoder(source, usesPseudoColumns);
  }

  /** See SourceDecoder.prepare: call (and await) before `read` for the same records. */
  prepare(records: readonly LogRecord[]): Promise<void> | undefined {
    return this.decoder.prepare(records);
  }

  read(records: readonly LogRecord[], partition: number): RowBatch {
    const out = emptyBatch(records, partition);
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      try {
        const row = this.decoder.decode(record, partition);
        if (row === null) {
          out.rows.push(this.keyRow(record));
          out.deletes.push(true);
          out.timestamps.push(record.timestamp);
        } else {
          out.rows.push(row);
          out.deletes.push(false);
          out.timestamps.push(this.decoder.lastTimestamp);
        }
        out.origins.push(i);
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        this.context.countFailure();
        const { processingLog, queryId } = this.context;
        processingLog.deserializationError(queryId, this.source.topic, err.target, record, err);
      }
    }
    return out;
  }

  /**
   * The records' times as the query takes them (its TIMESTAMP column, else the log's), or undefined
   * when they are the log's anyway. A record that cannot be read keeps the log's time. Call (and
   * await) `prepare` first.
   */
  recordTimes(records: readonly LogRecord[], partition: number): number[] | undefined {
    if (!this.decoder.extractsTimestamp) return undefined;
    return records.map((record) => {
      try {
        return this.decoder.decode(record, partition) === null
          ? record.timestamp
          : this.decoder.lastTimestamp;
      } catch (err) {
        if (err instanceof DecodeError) return record.timestamp;
        throw err;
      }
    });
  }

  /** A row holding only the record's key columns (what a deleted key can still tell). */
  private keyRow(record: LogRecord): SqlValue[] {
    const keys = this.decoder.decodeKey(record) ?? [];
    const row = new Array<SqlValue>(this.decoder.width).fill(null);
    let k = 0;
    this.source.columns.forEach((c, i) => {
      if (c.namespace === 'KEY') row[i] = keys[k++] ?? null;
    });
    const window = this.decoder.lastWindow;
    if (window !== undefined) {
      row[this.source.columns.length + 3] = BigInt(window.start);
      row[this.source.columns.length + 4] = BigInt(window.end);
    }
    return row;
  }
}

export interface FilterSpec {
  readonly predicate: (row: readonly SqlValue[]) => SqlValue;
  /**
   * Over a table, a row that fails the predicate deletes its key downstream, and deletes pass on;
   * over a stream, both are dropped.
   */
  readonly overTable: boolean;
}

/** WHERE: keeps rows whose predicate is TRUE (NULL counts as false); a failing predicate drops the row. */
export class FilterOperator implements Operator {
  readonly name = 'WhereFilter';
  private readonly spec: FilterSpec;
  private readonly context: OperatorContext;

  constructor(spec: FilterSpec, context: OperatorContext) {
    this.spec = spec;
    this.context = context;
  }

  process(batch: RowBatch): RowBatch {
    if (batch.previous !== undefined) return this.#changes(batch, batch.previous);
    const out = emptyBatch(batch.records, batch.partition);
    const { overTable } = this.spec;
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i];
      let deleted = batch.deletes[i];
      if (deleted) {
        if (!overTable) continue;
      } else {
        const passes = this.#passes(row, true);
        if (passes === undefined) continue;
        if (!passes) {
          if (!overTable) continue;
          deleted = true;
        }
      }
      out.rows.push(row);
      out.deletes.push(deleted);
      out.timestamps.push(batch.timestamps[i]);
      out.origins.push(batch.origins[i]);
    }
    return out;
  }

  /** True when a stream's row (not a delete) goes on: its predicate is TRUE (a failure is reported). */
  keeps(row: readonly SqlValue[]): boolean {
    return this.#passes(row, true) === true;
  }

  /** Over a table the filter turns rows into deletes: only a stream's filter is one row's keep-or-drop. */
  get overTable(): boolean {
    return this.spec.overTable;
  }

  /** TRUE passes; undefined when the predicate failed (reported for a new row, not for an old one). */
  #passes(row: readonly SqlValue[], report: boolean): boolean | undefined {
    try {
      return this.spec.predicate(row) === true;
    } catch (err) {
      if (!report) return false;
      this.context.countFailure();
      this.context.processingLog.processingError(this.context.queryId, row, err as Error);
      return undefined;
    }
  }

  /**
   * A table's changes with the rows they replace (Kafka Streams' KTableFilter with old values): a
   * row that passes is an upsert; one that fails deletes its key only if the row it replaces had
   * passed; otherwise nothing goes on. The rows passed on carry their old row only if it passed.
   */
  #changes(batch: RowBatch, previous: readonly (SqlValue[] | null)[]): RowBatch {
    const out = emptyBatch(batch.records, batch.partition);
    const kept: (SqlValue[] | null)[] = [];
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i];
      const old = previous[i];
      const oldPassed = old !== null && this.#passes(old, false) === true;
      let deleted = batch.deletes[i];
      if (!deleted) {
        const passes = this.#passes(row, true);
        if (passes === undefined) continue;
        deleted = !passes;
      }
      if (deleted && !oldPassed) continue;
      out.rows.push(row);
      out.deletes.push(deleted);
      out.timestamps.push(batch.timestamps[i]);
      out.origins.push(batch.origins[i]);
      kept.push(oldPassed ? old : null);
    }
    return { ...out, previous: kept };
  }
}

export interface ProjectSpec {
  readonly projections: readonly ((row: readonly SqlValue[]) => SqlValue)[];
  /** Per projection, ksqlDB's "Error computing expression …" label for the processing log. */
  readonly errorLabels: readonly string[];
  /** The projections a deleted key can still compute (from its key columns); the others are NULL. */
  readonly keyProjections: readonly number[];
}

/**
 * SELECT: computes the output columns of each row. A column that cannot be computed is NULL and
 * goes to the processing log, the row still goes on, as ksqlDB computes it.
 */
export class ProjectOperator implements Operator {
  readonly name = 'Project';
  private readonly spec: ProjectSpec;
  private readonly context: OperatorContext;

  constructor(spec: ProjectSpec, context: OperatorContext) {
    this.spec = spec;
    this.context = context;
  }

  process(batch: RowBatch): RowBatch {
    const { projections, keyProjections } = this.spec;
    const rows: SqlValue[][] = new Array(batch.rows.length);
    for (let r = 0; r < batch.rows.length; r++) {
      const row = batch.rows[r];
      const out = new Array<SqlValue>(projections.length);
      if (batch.deletes[r]) {
        out.fill(null);
        for (const i of keyProjections) {
          try {
            out[i] = projections[i](row);
          } catch {
            out[i] = null;
          }
        }
      } else this.#project(row, out);
      rows[r] = out;
    }
    // The rows replaced are in the input's layout: nothing after a projection asks for them.
    return { ...batch, rows, previous: undefined };
  }

  /** A row's output columns (of a row that is not a delete), in a new array. */
  projectRow(row: readonly SqlValue[]): SqlValue[] {
    const out = new Array<SqlValue>(this.spec.projections.length);
    this.#project(row, out);
    return out;
  }

  #project(row: readonly SqlValue[], out: SqlValue[]): void {
    const { projections, errorLabels } = this.spec;
    for (let i = 0; i < projections.length; i++) {
      try {
        out[i] = projections[i](row);
      } catch (err) {
        out[i] = null;
        this.context.countFailure();
        const error = new Error(errorLabels[i], { cause: err });
        this.context.processingLog.processingError(this.context.queryId, row, error);
      }
    }
  }
}

/**
 * A stream's WHERE and SELECT run one row at a time: the row to pass on (a new array once a
 * projection ran, else the row given) or undefined when a filter drops it. An operator that builds
 * each row in a scratch array (a join) runs them on it, so the wide row is never allocated.
 */
export type RowSteps = (row: SqlValue[]) => SqlValue[] | undefined;

/** The steps, in order, as one RowSteps; each filter must be over a stream (see FilterOperator.keeps). */
export function rowStepsOf(steps: readonly (FilterOperator | ProjectOperator)[]): RowSteps {
  for (const step of steps)
    if (step instanceof FilterOperator && step.overTable)
      throw new Error('a table’s filter turns rows into deletes: it cannot run row by row');
  if (steps.length === 2 && steps[0] instanceof FilterOperator && steps[1] instanceof ProjectOperator) {
    // WHERE then SELECT, the usual pair, without a loop.
    const [filter, project] = steps;
    return (row) => (filter.keeps(row) ? project.projectRow(row) : undefined);
  }
  return (row) => {
    let out: SqlValue[] = row;
    for (const step of steps) {
      if (step instanceof ProjectOperator) out = step.projectRow(out);
      else if (!step.keeps(out)) return undefined;
    }
    return out;
  };
}

/** One input topic of a topology: its source and the operators only its rows go through. */
export interface TopologyInput {
  readonly source: SourceOperator;
  readonly operators: readonly Operator[];
}

/**
 * The runnable chain of one query: each input's source and its own operators (the two sides of a
 * join), then the operators every row goes through, then a sink of the caller's.
 */
export class Topology {
  readonly inputs: readonly TopologyInput[];
  readonly operators: readonly Operator[];

  constructor(source: SourceOperator | readonly TopologyInput[], operators: readonly Operator[]) {
    this.inputs = source instanceof SourceOperator ? [{ source, operators: [] }] : source;
    this.operators = operators;
  }

  /** The first input's source (the only one unless the query joins). */
  get source(): SourceOperator {
    return this.inputs[0].source;
  }

  /** The topics the query reads, each once. */
  get topics(): string[] {
    return [...new Set(this.inputs.map((i) => i.source.topic))];
  }

  /** The inputs that read `topic` (by default the first input). */
  private inputsOf(topic: string | undefined): TopologyInput[] {
    return topic === undefined || this.inputs.length === 1
      ? [this.inputs[0]]
      : this.inputs.filter((i) => i.source.topic === topic);
  }

  /** Fetches what reading these records needs (AVRO writer schemas); await it before `process`. */
  prepare(records: readonly LogRecord[], topic?: string): Promise<void> | undefined {
    const pending = this.inputsOf(topic).flatMap((i) => {
      const p = i.source.prepare(records);
      return p === undefined ? [] : [p];
    });
    if (pending.length === 0) return undefined;
    return Promise.all(pending).then(() => {});
  }

  /** The times the query takes these records of `topic` at, when not the log's (see SourceOperator). */
  recordTimes(records: readonly LogRecord[], partition: number, topic?: string): number[] | undefined {
    for (const input of this.inputsOf(topic)) {
      const times = input.source.recordTimes(records, partition);
      if (times !== undefined) return times;
    }
    return undefined;
  }

  /** Entries operators hold back until the next flush (an aggregate's record cache). */
  get buffered(): number {
    let n = 0;
    for (const input of this.inputs) for (const o of input.operators) n += o.buffered ?? 0;
    for (const o of this.operators) n += o.buffered ?? 0;
    return n;
  }

  /** Some operator holds more than it may (a full record cache): flush before processing more. */
  get overfull(): boolean {
    for (const input of this.inputs) for (const o of input.operators) if (o.overfull === true) return true;
    for (const o of this.operators) if (o.overfull === true) return true;
    return false;
  }

  /**
   * Flushes what operators hold back (the query is committing), about `max` rows a call (call again
   * until undefined): each holder's rows go through the operators after it.
   */
  flush(max?: number): RowBatch | undefined {
    for (const input of this.inputs) {
      const ops = [...input.operators, ...this.operators];
      for (let i = 0; i < input.operators.length; i++) {
        const held = input.operators[i].flush?.(max);
        if (held !== undefined) return runFrom(ops, i + 1, held) ?? held;
      }
    }
    for (let i = 0; i < this.operators.length; i++) {
      const held = this.operators[i].flush?.(max);
      if (held !== undefined) return runFrom(this.operators, i + 1, held) ?? held;
    }
    return undefined;
  }

  /** Runs one batch of source records (of `topic`, by default the first input's) through the operators. */
  process(records: readonly LogRecord[], partition: number, topic?: string): RowBatch {
    const inputs = this.inputsOf(topic);
    let batch: RowBatch | undefined;
    for (const input of inputs) {
      let own = input.source.read(records, partition);
      for (const operator of input.operators) {
        if (own.rows.length === 0) break;
        own = operator.process(own);
      }
      batch = batch === undefined ? own : concat(batch, own);
    }
    if (batch === undefined) return emptyBatch(records, partition);
    for (const operator of this.operators) {
      if (batch.rows.length === 0) break;
      batch = operator.process(batch);
    }
    return batch;
  }
}

/** `batch` through `operators` from index `from` on. */
function runFrom(
  operators: readonly Operator[],
  from: number,
  batch: RowBatch | undefined,
): RowBatch | undefined {
  if (batch === undefined) return undefined;
  for (let i = from; i < operators.length && batch.rows.length > 0; i++) batch = operators[i].process(batch);
  return batch;
}

/** Two batches of the same records as one (two inputs reading one topic). */
function concat(a: RowBatch, b: RowBatch): RowBatch {
  return {
    rows: [...a.rows, ...b.rows],
    deletes: [...a.deletes, ...b.deletes],
    timestamps: [...a.timestamps, ...b.timestamps],
    origins: [...a.origins, ...b.origins],
    records: a.records,
    partition: a.partition,
  };
}
