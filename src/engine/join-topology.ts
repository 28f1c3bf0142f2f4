// The runtime operators and state stores of a plan's join steps.
import type { Log } from '../log/index.js';
import {
  type JoinNode,
  type JoinStep,
  type PhysicalPlan,
  planSource,
  type SinkNode,
  visitPlan,
} from '../planner/index.js';
import {
  ForeignKeyJoin,
  type ForeignKeyJoinSpec,
  foreignKeyJoinStores,
  type Operator,
  type OperatorContext,
  type RowSteps,
  type StoreSpec,
  StreamStreamJoin,
  type StreamStreamJoinSpec,
  StreamTableJoin,
  streamStreamJoinStores,
  streamTableJoinStores,
  TableTableJoin,
  type TableTableJoinSpec,
  tableTableJoinStores,
} from '../runtime/index.js';
import { formatByName } from '../serde/index.js';
import type { SqlValue } from '../types/index.js';

/** Whether a join side's steps re-key it in process (where ksqlDB writes a repartition topic). */
function rekeyed(side: PhysicalPlan): boolean {
  for (let step: PhysicalPlan = side; ; ) {
    if (step.kind === 'selectKey') return true;
    if (step.kind === 'sourceScan' || step.kind === 'join') return false;
    step = step.input;
  }
}

/** The formats whose key bytes need no schema registry: a re-keyed key is hashed over them. */
const HASHABLE_KEY_FORMATS = new Set(['KAFKA', 'JSON', 'DELIMITED']);

/** The first source a side's steps read. */
function firstSource(side: PhysicalPlan): string {
  let step = side;
  while (step.kind !== 'sourceScan') step = step.input;
  return step.source.name;
}

/**
 * How a re-keyed join key is written to its repartition topic, to hash its partition: in the key
 * format both sides' sources share (ksqlDB keeps it for the repartition topic), when that format
 * needs no schema registry; otherwise undefined (the join hashes its own encoding of the key).
 */
function repartitionKeySerializer(
  step: JoinStep,
  keyFormatOf: (source: string) => string,
): ((key: SqlValue) => Buffer | null) | undefined {
  const left = keyFormatOf(firstSource(step.input)).toUpperCase();
  const right = keyFormatOf(firstSource(step.right)).toUpperCase();
  if (left !== right || !HASHABLE_KEY_FORMATS.has(left)) return undefined;
  let serialize: (row: readonly SqlValue[]) => Buffer | null;
  try {
    serialize = formatByName(left).createSerializer([{ name: 'ROWKEY', type: step.keyType }], {
      target: 'key',
    });
  } catch {
    return undefined; // a key type the format cannot write
  }
  return (key) => {
    try {
      return serialize([key]);
    } catch {
      return null;
    }
  };
}

/** What a stream-stream join step runs with (`partitions`: its inputs' partition count). */
function streamStreamSpec(
  step: JoinStep,
  partitions?: number,
  keyFormatOf?: (source: string) => string,
): StreamStreamJoinSpec {
  const serializeKey = keyFormatOf === undefined ? undefined : repartitionKeySerializer(step, keyFormatOf);
  const stores = step.stores;
  if (stores.kind !== 'STREAM_STREAM' || step.window === undefined)
    throw new Error('A stream-stream join step has window stores and a window.');
  return {
    joinType: step.joinType,
    leftKey: step.leftKey,
    rightKey: step.rightKey,
    leftWidth: step.leftWidth,
    rightWidth: step.rightWidth,
    fillsRowtime: step.usesRowtime,
    beforeMs: step.window.beforeMs,
    afterMs: step.window.afterMs,
    graceMs: step.window.graceMs,
    stores: { left: stores.left, right: stores.right, outer: stores.outer },
    rekeyed: { left: rekeyed(step.input), right: rekeyed(step.right) },
    partitions,
    ...(serializeKey === undefined ? {} : { serializeKey }),
  };
}

/** What a foreign-key join step runs with. */
function foreignKeySpec(step: JoinStep): ForeignKeyJoinSpec {
  const stores = step.stores;
  if (
    stores.kind !== 'FOREIGN_KEY' ||
    step.leftPrimaryKey === undefined ||
    (step.joinType !== 'INNER' && step.joinType !== 'LEFT')
  )
    throw new Error('A foreign-key join step is INNER or LEFT, with its stores and the left key.');
  return {
    joinType: step.joinType,
    leftPrimaryKey: step.leftPrimaryKey,
    foreignKey: step.leftKey,
    rightKey: step.rightKey,
    leftWidth: step.leftWidth,
    rightWidth: step.rightWidth,
    fillsRowtime: step.usesRowtime,
    stores: { left: stores.left, right: stores.right, index: stores.index },
  };
}

/** What a table-table join step runs with. */
function tableTableSpec(step: JoinStep): TableTableJoinSpec {
  const stores = step.stores;
  if (stores.kind !== 'TABLE_TABLE') throw new Error('A table-table join step has a store per side.');
  return {
    joinType: step.joinType,
    leftKey: step.leftKey,
    rightKey: step.rightKey,
    leftWidth: step.leftWidth,
    rightWidth: step.rightWidth,
    fillsRowtime: step.usesRowtime,
    stores: { left: stores.left, right: stores.right },
  };
}

/**
 * The join's two entry points: where the left side's rows and the right side's rows go in. `then`:
 * the WHERE and SELECT after a stream-table join, run by the join on each row (see StreamTableJoin).
 */
export function joinOperatorSides(
  step: JoinStep,
  context: OperatorContext,
  partitions?: number,
  then?: RowSteps,
  keyFormatOf?: (source: string) => string,
): { left: Operator; right: Operator } {
  if (then !== undefined && step.joinKind !== 'STREAM_TABLE')
    throw new Error(`A ${step.joinKind} join does not run the steps after it itself.`);
  if (step.joinKind === 'STREAM_STREAM') {
    const join = new StreamStreamJoin(streamStreamSpec(step, partitions, keyFormatOf), context);
    return { left: join.leftSide, right: join.rightSide };
  }
  if (step.joinKind === 'FOREIGN_KEY') {
    const join = new ForeignKeyJoin(foreignKeySpec(step), context);
    return { left: join.leftSide, right: join.rightSide };
  }
  if (step.joinKind === 'TABLE_TABLE') {
    const join = new TableTableJoin(tableTableSpec(step), context);
    return { left: join.leftSide, right: join.rightSide };
  }
  const stores = step.stores;
  if (stores.kind !== 'STREAM_TABLE' || (step.joinType !== 'INNER' && step.joinType !== 'LEFT'))
    throw new Error(`A ${step.joinKind} ${step.joinType} join has no operator yet.`);
  const join = new StreamTableJoin(
    {
      joinType: step.joinType,
      streamKey: step.leftKey,
      tableKey: step.rightKey,
      leftWidth: step.leftWidth,
      rightWidth: step.rightWidth,
      fillsRowtime: step.usesRowtime,
      store: stores.table,
    },
    context,
    then,
  );
  return { left: join.streamSide, right: join.tableSide };
}

/** The join steps of a plan. */
export function joinStepsOf(plan: PhysicalPlan): JoinStep[] {
  const found: JoinStep[] = [];
  const walk = (step: PhysicalPlan): void => {
    if (step.kind === 'join') {
      found.push(step);
      walk(step.right);
    }
    if (step.kind !== 'sourceScan') walk(step.input);
  };
  walk(plan);
  return found;
}

/** The state stores a plan's joins keep. */
export function joinStoreSpecs(plan: PhysicalPlan): StoreSpec[] {
  return joinStepsOf(plan).flatMap((step) =>
    step.joinKind === 'STREAM_STREAM'
      ? streamStreamJoinStores(streamStreamSpec(step))
      : step.joinKind === 'FOREIGN_KEY'
        ? foreignKeyJoinStores(foreignKeySpec(step))
        : step.joinKind === 'TABLE_TABLE'
          ? tableTableJoinStores(tableTableSpec(step))
          : streamTableJoinStores(step.stores.kind === 'STREAM_TABLE' ? step.stores.table : undefined),
  );
}

/**
 * The topics a plan reads, the right (table) sides of its joins first: a table row and a stream row
 * of the same time are processed table first (see PersistentQuerySpec.topics).
 */
export function inputTopicsOf(plan: PhysicalPlan): string[] {
  const topics: string[] = [];
  const walk = (step: PhysicalPlan): void => {
    if (step.kind === 'sourceScan') {
      topics.push(step.source.topic ?? step.source.name);
      return;
    }
    if (step.kind === 'join') walk(step.right);
    walk(step.input);
  };
  walk(plan);
  return [...new Set(topics)];
}

/**
 * The partition count of the inputs of a plan's stream-stream joins (co-partitioned, so one count),
 * which a re-keyed side hashes its new key over; undefined when the plan has none.
 */
export async function streamJoinPartitions(log: Log, plan: PhysicalPlan): Promise<number | undefined> {
  const join = joinStepsOf(plan).find((step) => step.joinKind === 'STREAM_STREAM');
  if (join === undefined) return undefined;
  let step: PhysicalPlan = join.input;
  while (step.kind !== 'sourceScan') step = step.input;
  return (await log.describeTopic(step.source.topic ?? step.source.name)).partitions.length;
}

/** Every source a plan reads, left to right. */
export function sourceNamesOf(plan: SinkNode): string[] {
  const names: string[] = [];
  visitPlan(plan, (node) => {
    if (node.kind === 'source') names.push(node.source.name);
  });
  return [...new Set(names)];
}

/**
 * ksqlDB's co-partitioning check: the two sides of each join read topics with as many partitions.
 * Returns its message (at the joined source's name), or undefined when they match.
 */
export async function coPartitioningError(
  log: Log,
  plan: SinkNode,
  topicOf: (name: string) => string,
): Promise<string | undefined> {
  let error: string | undefined;
  const joins: JoinNode[] = [];
  visitPlan(plan, (node) => {
    if (node.kind === 'join') joins.push(node);
  });
  // A foreign-key join needs no co-partitioning (ksqlDB's rule).
  for (const join of joins.filter((j) => j.joinKind !== 'FOREIGN_KEY')) {
    const left = planSource(join.left).source.name;
    const right = planSource(join.right).source.name;
    const [l, r] = await Promise.all(
      [left, right].map(async (name) => (await log.describeTopic(topicOf(name))).partitions.length),
    );
    if (l !== r && error === undefined) {
      const at =
        join.position === undefined ? '' : `Line: ${join.position.line}, Col: ${join.position.column}: `;
      error = `${at}Can't join \`${left}\` with \`${right}\` since the number of partitions don't match. \`${left}\` partitions = ${l}; \`${right}\` partitions = ${r}. Please repartition either one so that the number of partitions match.`;
    }
  }
  return error;
}
