// The names a query over a join can use: `alias.col` of either side, a bare `col` that only one
// side has, ROWTIME of the joined row and a synthetic ROWKEY. Rows are laid out as JoinNode says:
// the left source's row, the right source's row, then the join key and the result's ROWTIME.
import { BIGINT, type SqlType } from '../types/index.js';
import { type ColumnScope, ExpressionError, type ScopeColumn } from './compiled-expression.js';
import { PSEUDO_COLUMNS, type SourceScope } from './source-scope.js';

export interface JoinSide {
  readonly scope: SourceScope;
  /** Where this side's row starts in the joined row. */
  readonly offset: number;
}

/** What the left of a join is: a source, or the join before it (a multi-way join is left-deep). */
export type JoinOperand = SourceScope | JoinScope;

export class JoinScope implements ColumnScope {
  /** The first source; the sides in between are earlier joins' right sides. */
  readonly left: JoinSide;
  /** The source this join adds. */
  readonly right: JoinSide;
  /** Every source, left to right, each at its place in the joined row. */
  readonly sides: readonly JoinSide[];
  /** The join key's slot, and its name when it is a synthetic column (ROWKEY) the query may name. */
  readonly key: ScopeColumn;
  readonly syntheticKey: string | undefined;
  readonly rowtime: ScopeColumn;
  readonly width: number;
  /** Set once an expression reads the joined row's ROWTIME, so the join fills it only then. */
  rowtimeUsed = false;

  constructor(left: JoinOperand, right: SourceScope, keyType: SqlType, syntheticKey: string | undefined) {
    const leftWidth =
      left instanceof JoinScope ? left.width : left.source.columns.length + PSEUDO_COLUMNS.length;
    const rightWidth = right.source.columns.length + PSEUDO_COLUMNS.length;
    const leftSides = left instanceof JoinScope ? left.sides : [{ scope: left, offset: 0 }];
    this.left = leftSides[0];
    this.right = { scope: right, offset: leftWidth };
    this.sides = [...leftSides, this.right];
    this.syntheticKey = syntheticKey;
    this.key = { index: leftWidth + rightWidth, type: keyType, name: syntheticKey ?? 'ROWKEY' };
    this.rowtime = { index: leftWidth + rightWidth + 1, type: BIGINT, name: 'ROWTIME' };
    this.width = leftWidth + rightWidth + 2;
  }

  /** The side `qualifier` names (its source name or alias), if any. */
  sideOf(qualifier: string): JoinSide | undefined {
    return this.sides.find((s) => s.scope.isQualifier(qualifier));
  }

  /** The sides that have a column `name` (not counting pseudo columns). */
  sidesWith(name: string): JoinSide[] {
    return this.sides.filter((s) => s.scope.source.columns.some((c) => c.name === name));
  }

  resolve(name: string, qualifier?: string): ScopeColumn | undefined {
    if (qualifier !== undefined) {
      const side = this.sideOf(qualifier);
      const column = side?.scope.resolve(name);
      if (side === undefined || column === undefined) return undefined;
      return {
        index: side.offset + column.index,
        type: column.type,
        name: `${side.scope.qualifier}.${name}`,
      };
    }
    if (name === 'ROWTIME') {
      this.rowtimeUsed = true;
      return this.rowtime;
    }
    if (this.syntheticKey !== undefined && name === this.syntheticKey) return this.key;
    const sides = PSEUDO_COLUMNS.some((p) => p.name === name) ? this.sides : this.sidesWith(name);
    if (sides.length > 1) {
      throw new ExpressionError(
        `Column '${name}' is ambiguous. Could be any of: ${sides.map((s) => `${s.scope.qualifier}.${name}`).join(', ')}. Qualify it with its source's name or alias.`,
      );
    }
    if (sides.length === 0) return undefined;
    const column = sides[0].scope.resolve(name);
    return column === undefined
      ? undefined
      : { index: sides[0].offset + column.index, type: column.type, name };
  }

  columns(): readonly ScopeColumn[] {
    const out: ScopeColumn[] = [];
    for (const side of this.sides) {
      for (const c of side.scope.columns())
        out.push({ index: side.offset + c.index, type: c.type, name: `${side.scope.qualifier}.${c.name}` });
    }
    if (this.syntheticKey !== undefined) out.push(this.key);
    out.push(this.rowtime);
    return out;
  }
}
