// The statements: one function per statement, chosen by the leading keyword (see parseStatementBody).
import type {
  ColumnConstraint,
  ConnectorOffsetEntry,
  ConnectorType,
  Property,
  QueryTarget,
  SourceType,
  Statement,
  TableElement,
} from './ast.js';
import { parseExpressionList, parseLiteral } from './parse-expression.js';
import { parseQuery } from './parse-query.js';
import { parseType } from './parse-type.js';
import type { TokenCursor } from './token-cursor.js';

/** Reads one whole statement, with an optional `;`, up to the end of the tokens. */
export function parseStatementTokens(cursor: TokenCursor): Statement {
  const statement = parseStatementBody(cursor);
  cursor.acceptSymbol(';');
  if (!cursor.atEnd()) cursor.fail('end of statement');
  return statement;
}

/** Hands off to one function per statement, chosen by the leading keyword. */
function parseStatementBody(cursor: TokenCursor): Statement {
  const token = cursor.peek();
  if (token.kind === 'keyword') {
    switch (token.value) {
      case 'SELECT':
        return { kind: 'select', query: parseQuery(cursor) };
      case 'CREATE':
        return parseCreate(cursor);
      case 'INSERT':
        return parseInsert(cursor);
      case 'DROP':
        return parseDrop(cursor);
      case 'ALTER':
        return parseAlter(cursor);
      case 'SHOW':
      case 'LIST':
        return parseList(cursor);
      case 'DESCRIBE':
        return parseDescribe(cursor);
      case 'EXPLAIN':
        return parseExplain(cursor);
      case 'TERMINATE':
        cursor.next();
        return { kind: 'terminate', target: parseQueryTarget(cursor) };
      case 'PAUSE':
      case 'RESUME':
        return parsePauseOrResume(cursor);
      case 'RESTART':
        cursor.next();
        cursor.expectKeyword('CONNECTOR');
        return { kind: 'restartConnector', name: cursor.parseName('a connector name') };
      case 'STOP':
        cursor.next();
        cursor.expectKeyword('CONNECTOR');
        return { kind: 'stopConnector', name: cursor.parseName('a connector name') };
      case 'PRINT':
        return parsePrint(cursor);
      case 'SET':
        return parseSet(cursor);
      case 'UNSET':
        cursor.next();
        return { kind: 'unsetProperty', name: cursor.parseString('a property name in quotes') };
      case 'DEFINE':
        return parseDefine(cursor);
      case 'UNDEFINE':
        cursor.next();
        return { kind: 'undefineVariable', name: cursor.parseVerbatimName('a variable name') };
      case 'RUN':
        cursor.next();
        cursor.expectKeyword('SCRIPT');
        return { kind: 'runScript', path: cursor.parseString('a script path in quotes') };
    }
  }
  return cursor.fail('a statement');
}

function parseSourceType(cursor: TokenCursor): SourceType {
  return cursor.expectOneOf(['STREAM', 'TABLE'] as const);
}

function parseCreate(cursor: TokenCursor): Statement {
  cursor.expectKeyword('CREATE');
  const orReplace = cursor.acceptKeywords('OR', 'REPLACE');
  if (!orReplace) {
    if (cursor.atKeyword('SOURCE') && cursor.atKeyword('CONNECTOR', 1)) return parseCreateConnector(cursor);
    if (cursor.atKeyword('SINK')) return parseCreateConnector(cursor);
    if (cursor.atKeyword('TYPE')) return parseCreateType(cursor);
  }
  const readOnly = cursor.acceptKeyword('SOURCE');
  if (!cursor.atKeyword('STREAM') && !cursor.atKeyword('TABLE')) {
    cursor.fail(
      orReplace || readOnly ? 'one of STREAM, TABLE' : 'one of STREAM, TABLE, SOURCE, SINK, TYPE, OR REPLACE',
    );
  }
  const sourceType = parseSourceType(cursor);
  const ifNotExists = cursor.acceptKeywords('IF', 'NOT', 'EXISTS');
  const name = cursor.parseName('a stream or table name');
  if (sourceType === 'STREAM' && !orReplace && !readOnly && cursor.acceptKeyword('FROM')) {
    cursor.expectKeywords('DEAD', 'LETTER', 'QUEUE', 'OF', 'CONNECTOR');
    return {
      kind: 'createDeadLetterStream',
      ifNotExists,
      name,
      connector: cursor.parseName('a connector name'),
    };
  }
  const elements = cursor.atSymbol('(') ? parseTableElements(cursor) : [];
  const properties = parseOptionalWith(cursor);
  if (elements.length === 0 && !readOnly && cursor.acceptKeyword('AS')) {
    const query = parseQuery(cursor);
    return { kind: 'createAsSelect', sourceType, orReplace, ifNotExists, name, properties, query };
  }
  return { kind: 'createSource', sourceType, orReplace, readOnly, ifNotExists, name, elements, properties };
}

function parseTableElements(cursor: TokenCursor): TableElement[] {
  cursor.expectSymbol('(');
  const elements = [parseTableElement(cursor)];
  while (cursor.acceptSymbol(',')) elements.push(parseTableElement(cursor));
  cursor.expectListEnd(')');
  return elements;
}

function parseTableElement(cursor: TokenCursor): TableElement {
  const name = cursor.parseName('a column name');
  const type = parseType(cursor);
  const constraint = parseColumnConstraint(cursor);
  return constraint === undefined ? { name, type } : { name, type, constraint };
}

function parseColumnConstraint(cursor: TokenCursor): ColumnConstraint | undefined {
  if (cursor.acceptKeyword('KEY')) return { kind: 'key' };
  if (cursor.acceptKeywords('PRIMARY', 'KEY')) return { kind: 'primaryKey' };
  if (cursor.acceptKeyword('HEADERS')) return { kind: 'headers' };
  if (cursor.acceptKeyword('HEADER')) {
    cursor.expectSymbol('(');
    const key = cursor.parseString('a header key in quotes');
    cursor.expectSymbol(')');
    return { kind: 'header', key };
  }
  return undefined;
}

function parseOptionalWith(cursor: TokenCursor): Property[] {
  return cursor.acceptKeyword('WITH') ? parseProperties(cursor) : [];
}

/** `(key = literal, …)`; a quoted key is kept verbatim, a bare one is upper-cased like any name. */
function parseProperties(cursor: TokenCursor): Property[] {
  cursor.expectSymbol('(');
  const properties: Property[] = [];
  do {
    const key = cursor.peek().kind === 'string' ? cursor.parseString() : cursor.parseName('a property name');
    cursor.expectSymbol('=');
    properties.push({ key, value: parseLiteral(cursor) });
  } while (cursor.acceptSymbol(','));
  cursor.expectListEnd(')');
  return properties;
}

/** `('partition JSON' = 'offset JSON' | number | NULL, …)`: the entries of SET OFFSETS. */
function parseOffsetEntries(cursor: TokenCursor): ConnectorOffsetEntry[] {
  cursor.expectSymbol('(');
  const entries: ConnectorOffsetEntry[] = [];
  do {
    const partition = cursor.parseString('a partition as a JSON object in quotes');
    cursor.expectSymbol('=');
    entries.push({ partition, offset: parseLiteral(cursor) });
  } while (cursor.acceptSymbol(','));
  cursor.expectListEnd(')');
  return entries;
}

function parseCreateConnector(cursor: TokenCursor): Statement {
  const connectorType: ConnectorType = cursor.expectOneOf(['SOURCE', 'SINK'] as const);
  cursor.expectKeyword('CONNECTOR');
  const ifNotExists = cursor.acceptKeywords('IF', 'NOT', 'EXISTS');
  const name = cursor.parseName('a connector name');
  cursor.expectKeyword('WITH');
  return { kind: 'createConnector', connectorType, ifNotExists, name, properties: parseProperties(cursor) };
}

function parseCreateType(cursor: TokenCursor): Statement {
  cursor.expectKeyword('TYPE');
  const ifNotExists = cursor.acceptKeywords('IF', 'NOT', 'EXISTS');
  const name = cursor.parseName('a type name');
  cursor.expectKeyword('AS');
  return { kind: 'createType', ifNotExists, name, type: parseType(cursor) };
}

function parseInsert(cursor: TokenCursor): Statement {
  cursor.expectKeywords('INSERT', 'INTO');
  const target = cursor.parseName('a stream or table name');
  if (cursor.atSymbol('(') || cursor.atKeyword('VALUES')) {
    const columns: string[] = [];
    if (cursor.acceptSymbol('(')) {
      do columns.push(cursor.parseName('a column name'));
      while (cursor.acceptSymbol(','));
      cursor.expectListEnd(')');
    }
    cursor.expectKeyword('VALUES');
    cursor.expectSymbol('(');
    const values = parseExpressionList(cursor);
    cursor.expectListEnd(')');
    return { kind: 'insertValues', target, columns, values };
  }
  const properties = parseOptionalWith(cursor);
  if (!cursor.atKeyword('SELECT'))
    cursor.fail(properties.length === 0 ? 'one of SELECT, VALUES, WITH' : 'SELECT');
  return { kind: 'insertInto', target, properties, query: parseQuery(cursor) };
}

function parseDrop(cursor: TokenCursor): Statement {
  cursor.expectKeyword('DROP');
  if (cursor.acceptKeyword('CONNECTOR')) {
    const ifExists = cursor.acceptKeywords('IF', 'EXISTS');
    return { kind: 'dropConnector', ifExists, name: cursor.parseName('a connector name') };
  }
  if (cursor.acceptKeyword('TYPE')) {
    const ifExists = cursor.acceptKeywords('IF', 'EXISTS');
    return { kind: 'dropType', ifExists, name: cursor.parseName('a type name') };
  }
  if (!cursor.atKeyword('STREAM') && !cursor.atKeyword('TABLE'))
    cursor.fail('one of STREAM, TABLE, CONNECTOR, TYPE');
  const sourceType = parseSourceType(cursor);
  const ifExists = cursor.acceptKeywords('IF', 'EXISTS');
  const name = cursor.parseName('a stream or table name');
  const deleteTopic = cursor.acceptKeywords('DELETE', 'TOPIC');
  return { kind: 'dropSource', sourceType, ifExists, name, deleteTopic };
}

function parseAlter(cursor: TokenCursor): Statement {
  cursor.expectKeyword('ALTER');
  if (cursor.acceptKeyword('CONNECTOR')) {
    const name = cursor.parseName('a connector name');
    if (cursor.acceptKeywords('RESET', 'OFFSETS')) return { kind: 'resetConnectorOffsets', name };
    if (!cursor.atKeyword('SET')) cursor.fail('one of SET, RESET OFFSETS');
    cursor.next();
    if (cursor.acceptKeyword('OFFSETS'))
      return { kind: 'setConnectorOffsets', name, offsets: parseOffsetEntries(cursor) };
    return { kind: 'alterConnector', name, properties: parseProperties(cursor) };
  }
  if (cursor.acceptKeyword('SYSTEM')) {
    const { name, value } = parsePropertyAssignment(cursor);
    return { kind: 'alterSystem', name, value };
  }
  if (!cursor.atKeyword('STREAM') && !cursor.atKeyword('TABLE'))
    cursor.fail('one of STREAM, TABLE, CONNECTOR, SYSTEM');
  const sourceType = parseSourceType(cursor);
  const name = cursor.parseName('a stream or table name');
  const columns: TableElement[] = [];
  do {
    cursor.expectKeyword('ADD');
    cursor.acceptKeyword('COLUMN');
    const column = cursor.parseName('a column name');
    columns.push({ name: column, type: parseType(cursor) });
  } while (cursor.acceptSymbol(','));
  return { kind: 'alterSource', sourceType, name, columns };
}

/** SHOW and LIST are the same statement. */
function parseList(cursor: TokenCursor): Statement {
  cursor.next();
  const extended = (): boolean => cursor.acceptKeyword('EXTENDED');
  if (cursor.acceptKeyword('STREAMS')) return { kind: 'listStreams', extended: extended() };
  if (cursor.acceptKeyword('TABLES')) return { kind: 'listTables', extended: extended() };
  if (cursor.atKeyword('TOPICS') || (cursor.atKeyword('ALL') && cursor.atKeyword('TOPICS', 1))) {
    const all = cursor.acceptKeyword('ALL');
    cursor.next();
    return { kind: 'listTopics', all, extended: extended() };
  }
  if (cursor.acceptKeyword('QUERIES')) return { kind: 'listQueries', extended: extended() };
  if (cursor.acceptKeyword('PROPERTIES')) return { kind: 'listProperties' };
  if (cursor.acceptKeyword('FUNCTIONS')) return { kind: 'listFunctions' };
  if (cursor.acceptKeyword('VARIABLES')) return { kind: 'listVariables' };
  if (cursor.acceptKeyword('TYPES')) return { kind: 'listTypes' };
  if (cursor.acceptKeywords('CONNECTOR', 'PLUGINS')) return { kind: 'listConnectorPlugins' };
  if (cursor.acceptKeywords('CONNECTOR', 'STATUS')) {
    if (!cursor.atName()) return { kind: 'listConnectorStatus' };
    return { kind: 'listConnectorStatus', name: cursor.parseName('a connector name') };
  }
  if (cursor.acceptKeywords('CONNECTOR', 'OFFSETS'))
    return { kind: 'listConnectorOffsets', name: cursor.parseName('a connector name') };
  if (cursor.acceptKeyword('CONNECTORS')) return { kind: 'listConnectors', scope: 'ALL' };
  if (cursor.atKeyword('SOURCE') || cursor.atKeyword('SINK')) {
    const scope = cursor.expectOneOf(['SOURCE', 'SINK'] as const);
    cursor.expectKeyword('CONNECTORS');
    return { kind: 'listConnectors', scope };
  }
  return cursor.fail(
    'one of STREAMS, TABLES, TOPICS, QUERIES, PROPERTIES, FUNCTIONS, VARIABLES, TYPES, CONNECTORS, CONNECTOR PLUGINS, CONNECTOR STATUS, CONNECTOR OFFSETS',
  );
}

/** DESCRIBE name [EXTENDED] (also the older DESCRIBE EXTENDED name), or of streams, functions, connectors. */
function parseDescribe(cursor: TokenCursor): Statement {
  cursor.expectKeyword('DESCRIBE');
  if (cursor.atKeyword('STREAMS') || cursor.atKeyword('TABLES')) {
    const sourceType: SourceType = cursor.next().value === 'STREAMS' ? 'STREAM' : 'TABLE';
    return { kind: 'describeSources', sourceType, extended: cursor.acceptKeyword('EXTENDED') };
  }
  if (cursor.acceptKeyword('CONNECTOR')) {
    return { kind: 'describeConnector', name: cursor.parseName('a connector name') };
  }
  if (cursor.atKeyword('FUNCTION') && cursor.atName(1)) {
    cursor.next();
    return { kind: 'describeFunction', name: cursor.parseName('a function name') };
  }
  if (cursor.atKeyword('EXTENDED') && cursor.atName(1)) {
    cursor.next();
    return { kind: 'describeSource', name: cursor.parseName('a stream or table name'), extended: true };
  }
  const name = cursor.parseName('a stream or table name');
  return { kind: 'describeSource', name, extended: cursor.acceptKeyword('EXTENDED') };
}

/** EXPLAIN of a query id (a name) or of a statement (which starts with a keyword). */
function parseExplain(cursor: TokenCursor): Statement {
  cursor.expectKeyword('EXPLAIN');
  const kind = cursor.peek().kind;
  if (kind === 'identifier' || kind === 'quotedIdentifier') {
    return { kind: 'explainQuery', queryId: cursor.parseName('a query id') };
  }
  return { kind: 'explainStatement', statement: parseStatementBody(cursor) };
}

function parseQueryTarget(cursor: TokenCursor): QueryTarget {
  if (cursor.acceptKeyword('ALL')) return { kind: 'allQueries' };
  return { kind: 'queryId', id: cursor.parseName('a query id or ALL') };
}

function parsePauseOrResume(cursor: TokenCursor): Statement {
  const pause = cursor.next().value === 'PAUSE';
  if (cursor.acceptKeyword('CONNECTOR')) {
    const name = cursor.parseName('a connector name');
    return pause ? { kind: 'pauseConnector', name } : { kind: 'resumeConnector', name };
  }
  const target = parseQueryTarget(cursor);
  return pause ? { kind: 'pauseQuery', target } : { kind: 'resumeQuery', target };
}

/** PRINT topic|'topic' [FROM BEGINNING] [INTERVAL|SAMPLE n] [LIMIT n]; a bare topic name keeps its case. */
function parsePrint(cursor: TokenCursor): Statement {
  cursor.expectKeyword('PRINT');
  const topic =
    cursor.peek().kind === 'string' ? cursor.parseString() : cursor.parseVerbatimName('a topic name');
  const fromBeginning = cursor.acceptKeywords('FROM', 'BEGINNING');
  const interval =
    cursor.acceptKeyword('INTERVAL') || cursor.acceptKeyword('SAMPLE')
      ? cursor.parseInteger('the record interval')
      : undefined;
  const limit = cursor.acceptKeyword('LIMIT') ? cursor.parseInteger('the record count of LIMIT') : undefined;
  return {
    kind: 'print',
    topic,
    fromBeginning,
    ...(interval !== undefined && { interval }),
    ...(limit !== undefined && { limit }),
  };
}

function parsePropertyAssignment(cursor: TokenCursor): { name: string; value: string } {
  const name = cursor.parseString('a property name in quotes');
  cursor.expectSymbol('=');
  return { name, value: cursor.parseString('a property value in quotes') };
}

function parseSet(cursor: TokenCursor): Statement {
  cursor.expectKeyword('SET');
  const { name, value } = parsePropertyAssignment(cursor);
  return { kind: 'setProperty', name, value };
}

function parseDefine(cursor: TokenCursor): Statement {
  cursor.expectKeyword('DEFINE');
  const name = cursor.parseVerbatimName('a variable name');
  cursor.expectSymbol('=');
  return { kind: 'defineVariable', name, value: cursor.parseString('a variable value in quotes') };
}
