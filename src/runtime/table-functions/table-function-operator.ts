import type { SqlValue } from '../../types/index.js';
import type { Operator, OperatorContext, RowBatch } from '../operators.js';

export interface TableFunctionSpec {
  /** Each table function call's list of values for an input row (a SQL ARRAY; NULL = none). */
  readonly calls: readonly ((row: readonly SqlValue[]) => SqlValue)[];
  /** How many of the input row's values an output row starts with (its columns and pseudo columns). */
  readonly width: number;
}

/**
 * Table functions in SELECT (ksqlDB's FlatMap, `KudtfFlatMapper`): each input row gives as many rows
 * as its longest call's list, the shorter lists padded with NULL (the calls are zipped); each output
 * row keeps the input row's key, timestamp and origin. A call that fails drops its input row, to the
 * processing log; a stream's record without value gives no rows.
 */
export class TableFunctionOperator implements Operator {
  readonly name = 'FlatMap';
  readonly #spec: TableFunctionSpec;
  readonly #context: OperatorContext;

  constructor(spec: TableFunctionSpec, context: OperatorContext) {
    this.#spec = spec;
    this.#context = context;
  }

  process(batch: RowBatch): RowBatch {
    const { calls, width } = this.#spec;
    const out: RowBatch = {
      rows: [],
      deletes: [],
      timestamps: [],
      origins: [],
      records: batch.records,
      partition: batch.partition,
    };
    for (let r = 0; r < batch.rows.length; r++) {
      if (batch.deletes[r]) continue;
      const row = batch.rows[r];
      let lists: (readonly SqlValue[])[];
      try {
        lists = calls.map((call) => (call(row) as readonly SqlValue[] | null) ?? []);
      } catch (err) {
        this.#context.countFailure();
        this.#context.processingLog.processingError(this.#context.queryId, row, err as Error);
        continue;
      }
      let n = 0;
      for (const list of lists) if (list.length > n) n = list.length;
      for (let i = 0; i < n; i++) {
        const next = new Array<SqlValue>(width + lists.length);
        for (let c = 0; c < width; c++) next[c] = row[c] ?? null;
        for (let c = 0; c < lists.length; c++) next[width + c] = i < lists[c].length ? lists[c][i] : null;
        out.rows.push(next);
        out.deletes.push(false);
        out.timestamps.push(batch.timestamps[r]);
        out.origins.push(batch.origins[r]);
      }
    }
    return out;
  }
}
