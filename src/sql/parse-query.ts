import type {
  AliasedSource,
  Duration,
  JoinType,
  JoinWindow,
  Query,
  Relation,
  SelectItem,
  TimeUnit,
  WindowExpression,
} from './ast.js';
import { parseExpression, parseExpressionList } from './parse-expression.js';
import { recordSpan } from './spans.js';
import type { TokenCursor } from './token-cursor.js';

const TIME_UNITS: readonly TimeUnit[] = [
  'MILLISECOND',
  'MILLISECONDS',
  'SECOND',
  'SECONDS',
  'MINUTE',
  'MINUTES',
  'HOUR',
  'HOURS',
  'DAY',
  'DAYS',
];

/** SELECT … FROM … [WINDOW] [WHERE] [GROUP BY] [PARTITION BY] [HAVING] [EMIT CHANGES|FINAL] [LIMIT n] */
export function parseQuery(cursor: TokenCursor): Query {
  cursor.expectKeyword('SELECT');
  const select = [parseSelectItem(cursor)];
  while (cursor.acceptSymbol(',')) select.push(parseSelectItem(cursor));
  if (!cursor.acceptKeyword('FROM')) cursor.fail("',' or FROM");
  const from = parseRelation(cursor);
  const window = cursor.acceptKeyword('WINDOW') ? parseWindow(cursor) : undefined;
  const where = cursor.acceptKeyword('WHERE') ? parseExpression(cursor) : undefined;
  // ksqlDB's grammar puts GROUP BY first; PARTITION BY first is accepted too as the two never mix.
  let partitionBy = cursor.acceptKeywords('PARTITION', 'BY') ? parseExpressionList(cursor) : undefined;
  const groupBy = cursor.acceptKeywords('GROUP', 'BY') ? parseExpressionList(cursor) : undefined;
  if (partitionBy === undefined && cursor.acceptKeywords('PARTITION', 'BY')) {
    partitionBy = parseExpressionList(cursor);
  }
  const having = cursor.acceptKeyword('HAVING') ? parseExpression(cursor) : undefined;
  const emit = cursor.acceptKeyword('EMIT') ? cursor.expectOneOf(['CHANGES', 'FINAL'] as const) : undefined;
  const limit = cursor.acceptKeyword('LIMIT') ? cursor.parseInteger('the row count of LIMIT') : undefined;
  return {
    kind: 'query',
    select,
    from,
    ...(window && { window }),
    ...(where && { where }),
    ...(groupBy && { groupBy }),
    ...(partitionBy && { partitionBy }),
    ...(having && { having }),
    ...(emit && { emit }),
    ...(limit !== undefined && { limit }),
  };
}

function parseSelectItem(cursor: TokenCursor): SelectItem {
  if (cursor.acceptSymbol('*')) return { expression: { kind: 'allColumns' } };
  if (cursor.atName() && cursor.atSymbol('.', 1) && cursor.atSymbol('*', 2)) {
    const source = cursor.parseName();
    cursor.next();
    cursor.next();
    return { expression: { kind: 'allColumns', source } };
  }
  const expression = parseExpression(cursor);
  const alias = parseAlias(cursor);
  return alias === undefined ? { expression } : { expression, alias };
}

/** `AS name`, or a bare name that is no keyword (so `FROM s EMIT CHANGES` does not alias `s` as EMIT). */
function parseAlias(cursor: TokenCursor): string | undefined {
  if (cursor.acceptKeyword('AS')) return cursor.parseName('an alias');
  const kind = cursor.peek().kind;
  if (kind === 'identifier' || kind === 'quotedIdentifier') return cursor.parseName();
  return undefined;
}

function parseAliasedSource(cursor: TokenCursor): AliasedSource {
  const first = cursor.peek();
  const name = cursor.parseName('a stream or table name');
  // Where the name was written: errors about the source point at it.
  const named = cursor.previous();
  const alias = parseAlias(cursor);
  const source: AliasedSource =
    alias === undefined ? { kind: 'source', name } : { kind: 'source', name, alias };
  return recordSpan(source, first, named);
}

function parseRelation(cursor: TokenCursor): Relation {
  let relation: Relation = parseAliasedSource(cursor);
  for (;;) {
    const type = parseJoinType(cursor);
    if (type === undefined) return relation;
    const right = parseAliasedSource(cursor);
    const within = cursor.acceptKeyword('WITHIN') ? parseJoinWindow(cursor) : undefined;
    cursor.expectKeyword('ON');
    const on = parseExpression(cursor);
    relation = { kind: 'join', type, left: relation, right, ...(within && { within }), on };
  }
}

/** Reads `[INNER|LEFT [OUTER]|RIGHT [OUTER]|FULL [OUTER]] JOIN`, or nothing when no join follows. */
function parseJoinType(cursor: TokenCursor): JoinType | undefined {
  if (cursor.acceptKeyword('JOIN')) return 'INNER';
  let type: JoinType;
  if (cursor.acceptKeyword('INNER')) type = 'INNER';
  else if (cursor.acceptKeyword('LEFT')) type = 'LEFT';
  else if (cursor.acceptKeyword('RIGHT')) type = 'RIGHT';
  else if (cursor.acceptKeyword('FULL')) type = 'FULL';
  else return undefined;
  if (type !== 'INNER') cursor.acceptKeyword('OUTER');
  cursor.expectKeyword('JOIN');
  return type;
}

function parseJoinWindow(cursor: TokenCursor): JoinWindow {
  let window: JoinWindow;
  if (cursor.acceptSymbol('(')) {
    const before = parseDuration(cursor);
    cursor.expectSymbol(',');
    const after = parseDuration(cursor);
    cursor.expectSymbol(')');
    window = { before, after };
  } else {
    window = { before: parseDuration(cursor) };
  }
  return cursor.acceptKeywords('GRACE', 'PERIOD') ? { ...window, grace: parseDuration(cursor) } : window;
}

/** TUMBLING (SIZE d, …), HOPPING (SIZE d, ADVANCE BY d, …) or SESSION (d, …), each with optional limits. */
function parseWindow(cursor: TokenCursor): WindowExpression {
  const type = cursor.expectOneOf(['TUMBLING', 'HOPPING', 'SESSION'] as const);
  cursor.expectSymbol('(');
  let window: WindowExpression;
  if (type === 'SESSION') {
    window = { kind: 'sessionWindow', gap: parseDuration(cursor) };
  } else {
    cursor.expectKeyword('SIZE');
    const size = parseDuration(cursor);
    if (type === 'TUMBLING') {
      window = { kind: 'tumblingWindow', size };
    } else {
      cursor.expectSymbol(',');
      cursor.expectKeywords('ADVANCE', 'BY');
      window = { kind: 'hoppingWindow', size, advance: parseDuration(cursor) };
    }
  }
  if (cursor.atSymbol(',') && cursor.atKeyword('RETENTION', 1)) {
    cursor.next();
    cursor.next();
    window = { ...window, retention: parseDuration(cursor) };
  }
  if (cursor.acceptSymbol(',')) {
    cursor.expectKeywords('GRACE', 'PERIOD');
    window = { ...window, grace: parseDuration(cursor) };
  }
  cursor.expectSymbol(')');
  return window;
}

export function parseDuration(cursor: TokenCursor): Duration {
  const value = cursor.parseInteger('a duration such as 10 SECONDS');
  const unit = cursor.expectOneOf(TIME_UNITS);
  return { value, unit };
}
