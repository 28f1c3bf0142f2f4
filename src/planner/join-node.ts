// The JOIN node of a logical plan: two inputs, the expressions that key each side, and the shape
// of the joined row its operator produces.
import type { JoinType } from '../sql/index.js';
import type { CompiledExpression, ErrorPosition } from './compiled-expression.js';
import type { LogicalPlan, PlanColumn } from './logical-plan.js';

/** Which kinds of source meet: they decide the operator and the state it keeps (ksqlDB's table). */
export type JoinKind = 'STREAM_STREAM' | 'STREAM_TABLE' | 'TABLE_TABLE' | 'FOREIGN_KEY';

/** A stream-stream join's window, in milliseconds: right at tR joins left at tL iff tL − before ≤ tR ≤ tL + after. */
export interface JoinWindowMs {
  readonly beforeMs: number;
  readonly afterMs: number;
  /** Undefined without GRACE PERIOD (ksqlDB's legacy JoinWindows.of). */
  readonly graceMs: number | undefined;
}

/** The state stores a join keeps, by ksqlDB's (Kafka Streams') names. */
export type JoinStores =
  | { readonly kind: 'STREAM_TABLE'; readonly table: string }
  | { readonly kind: 'TABLE_TABLE'; readonly left: string; readonly right: string }
  | { readonly kind: 'FOREIGN_KEY'; readonly left: string; readonly right: string; readonly index: string }
  | {
      readonly kind: 'STREAM_STREAM';
      readonly left: string;
      readonly right: string;
      readonly outer: string | undefined;
    };

/**
 * A stream-table join keeps the table in `KafkaTopic_Right-Reduce`, a table-table join each table in
 * `KafkaTopic_Left-Reduce` and `KafkaTopic_Right-Reduce`; a stream-stream join each side
 * in a window store (OUTER… for a side whose unmatched records are given too) and, with GRACE
 * PERIOD, outer records still waiting for a match in a shared store.
 */
export function joinStores(
  kind: JoinKind,
  type: JoinType,
  window: JoinWindowMs | undefined,
  prefix = '',
): JoinStores {
  if (kind === 'STREAM_TABLE') return { kind: 'STREAM_TABLE', table: `${prefix}KafkaTopic_Right-Reduce` };
  if (kind === 'FOREIGN_KEY')
    return {
      kind: 'FOREIGN_KEY',
      left: `${prefix}KafkaTopic_Left-Reduce`,
      right: `${prefix}KafkaTopic_Right-Reduce`,
      index: `${prefix}KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010`,
    };
  if (kind === 'TABLE_TABLE')
    return {
      kind: 'TABLE_TABLE',
      left: `${prefix}KafkaTopic_Left-Reduce`,
      right: `${prefix}KafkaTopic_Right-Reduce`,
    };
  const leftOuter = type === 'LEFT' || type === 'FULL';
  const rightOuter = type === 'RIGHT' || type === 'FULL';
  return {
    kind: 'STREAM_STREAM',
    left: `${prefix}KSTREAM-${leftOuter ? 'OUTERTHIS' : 'JOINTHIS'}-0000000004-store`,
    right: `${prefix}KSTREAM-${rightOuter ? 'OUTEROTHER' : 'JOINOTHER'}-0000000005-store`,
    outer:
      type !== 'INNER' && window?.graceMs !== undefined
        ? `${prefix}KSTREAM-OUTERSHARED-0000000004-store`
        : undefined,
  };
}

/**
 * `left [INNER|LEFT|RIGHT|FULL] JOIN right ON leftKey = rightKey`. The joined row is the left
 * source's row (its columns, ROWTIME, ROWPARTITION, ROWOFFSET), then the right source's row, then
 * the join key and the result's ROWTIME: `JoinScope` resolves names against this layout.
 */
export interface JoinNode {
  readonly kind: 'join';
  readonly joinKind: JoinKind;
  readonly joinType: JoinType;
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  /** The left side's join expression, over the left source's row. */
  readonly leftKey: CompiledExpression;
  /** The right side's join expression, over the right source's row (a table's primary key). */
  readonly rightKey: CompiledExpression;
  /** A foreign-key join's result key: the left table's primary key, over its row. */
  readonly leftPrimaryKey?: CompiledExpression;
  /** How many slots each side's row takes in the joined row. */
  readonly leftWidth: number;
  readonly rightWidth: number;
  readonly window: JoinWindowMs | undefined;
  /** Prefixes this join's store names in a multi-way join ('' for the first join). */
  readonly storePrefix: string;
  /** Where the joined source is named, for errors found when the query starts (co-partitioning). */
  readonly position?: ErrorPosition;
  /** False when no expression reads the joined row's ROWTIME: the operator leaves it NULL. */
  readonly usesRowtime: boolean;
  /** The key column, then every column of each side as `<ALIAS>_<COLUMN>` (ksqlDB's join schema). */
  readonly schema: readonly PlanColumn[];
}
