import type { SqlType, SqlValue } from '../types/index.js';
import { EvaluationError } from './compiled-expression.js';

/** Computes a value from one row; built once per expression, called once per row. */
export type Evaluator = (row: readonly SqlValue[]) => SqlValue;

/** A type-checked sub-expression, as the compiler passes it between its parts. */
export interface CompiledNode {
  /** null for an untyped NULL literal, which takes whatever type its context needs. */
  readonly type: SqlType | null;
  readonly evaluate: Evaluator;
  /** Reads no column and calls nothing nondeterministic, so every row gets the same value. */
  readonly constant: boolean;
}

const NO_ROW: readonly SqlValue[] = [];

export function constantNode(type: SqlType | null, value: SqlValue): CompiledNode {
  return { type, evaluate: () => value, constant: true };
}

export const NULL_NODE: CompiledNode = constantNode(null, null);

/**
 * A node whose value is computed now when it is constant, so rows do not pay for it. A constant that
 * fails (1 / 0) is left to fail per row, where the runtime reports it like any other bad value.
 */
export function node(type: SqlType | null, evaluate: Evaluator, constant: boolean): CompiledNode {
  if (!constant) return { type, evaluate, constant };
  try {
    return constantNode(type, evaluate(NO_ROW));
  } catch (error) {
    if (error instanceof EvaluationError) return { type, evaluate, constant };
    throw error;
  }
}

/** Whether every node is constant. */
export function allConstant(nodes: readonly CompiledNode[]): boolean {
  for (const n of nodes) if (!n.constant) return false;
  return true;
}
