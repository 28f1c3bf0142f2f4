// Where each node was written. Kept beside the tree rather than in it, so that a statement printed
// and parsed again still compares equal to the first parse; nodes built by later passes have none.
import type { Token } from './lexer.js';

/** A stretch of statement text: where it starts (both from 1) and its offsets in the parsed text. */
export interface SourceSpan {
  readonly line: number;
  readonly column: number;
  readonly start: number;
  readonly end: number;
}

const spans = new WeakMap<object, SourceSpan>();

/** Where `node` was written, when it came from the parser. */
export function spanOf(node: object): SourceSpan | undefined {
  return spans.get(node);
}

/** Records that `node` runs from `first` to `last` (the innermost record wins: it is the most precise). */
export function recordSpan<T extends object>(node: T, first: Token, last: Token): T {
  if (!spans.has(node)) {
    spans.set(node, { line: first.line, column: first.column, start: first.start, end: last.end });
  }
  return node;
}
