import type {
  ColumnConstraint,
  Duration,
  Expression,
  JoinWindow,
  Literal,
  Property,
  Query,
  QueryTarget,
  Relation,
  SelectItem,
  SqlType,
  Statement,
  TableElement,
  WindowExpression,
} from './ast.js';
import { isReservedKeyword, keywordOf } from './keywords.js';
import { BINARY_PRECEDENCE, Precedence, precedenceOf } from './precedence.js';

/*
 * Prints the syntax tree as SQL on one line, in a canonical form: keywords upper-case, names bare when
 * that reads back as the same name and backquoted otherwise, and only the parentheses that precedence
 * needs. Parsing the output gives the same tree; canonical input prints back unchanged.
 */

const BARE_NAME = /^[A-Z_][A-Z0-9_@]*$/;

/** A name as SQL: bare when it is upper-case and no keyword, else in backquotes. */
export function printName(name: string): string {
  if (BARE_NAME.test(name) && keywordOf(name) === undefined) return name;
  return '`' + name.replaceAll('`', '``') + '`';
}

export function printString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function printType(type: SqlType): string {
  switch (type.kind) {
    case 'primitiveType':
      return type.name;
    case 'decimalType':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'arrayType':
      return `ARRAY<${printType(type.element)}>`;
    case 'mapType':
      return `MAP<${printType(type.key)}, ${printType(type.value)}>`;
    case 'structType':
      return `STRUCT<${type.fields.map((field) => `${printName(field.name)} ${printType(field.type)}`).join(', ')}>`;
    case 'customType':
      return printName(type.name);
    default:
      return unreachable(type);
  }
}

function printLiteral(literal: Literal): string {
  switch (literal.kind) {
    case 'string':
      return printString(literal.value);
    case 'number':
      return literal.text;
    case 'boolean':
      return literal.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'variable':
      return `\${${literal.name}}`;
    default:
      return unreachable(literal);
  }
}

export function printExpression(expression: Expression): string {
  switch (expression.kind) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
    case 'variable':
      return printLiteral(expression);
    case 'column':
      return expression.source === undefined
        ? printName(expression.name)
        : `${printName(expression.source)}.${printName(expression.name)}`;
    case 'allColumns':
      return expression.source === undefined ? '*' : `${printName(expression.source)}.*`;
    case 'unary': {
      if (expression.operator === 'NOT') return `NOT ${operand(expression.operand, Precedence.not)}`;
      const inner = operand(expression.operand, Precedence.unary);
      // `- -x`, not `--x`, which would start a comment.
      return /^[-+]/.test(inner) ? `${expression.operator} ${inner}` : `${expression.operator}${inner}`;
    }
    case 'binary': {
      const precedence = BINARY_PRECEDENCE[expression.operator];
      // Operators are left-associative: a right operand of equal precedence needs parentheses.
      return `${operand(expression.left, precedence)} ${expression.operator} ${operand(expression.right, precedence + 1)}`;
    }
    case 'isNull':
      return `${operand(expression.operand, Precedence.comparison)} IS ${expression.negated ? 'NOT ' : ''}NULL`;
    case 'isDistinctFrom':
      return (
        `${operand(expression.left, Precedence.comparison)} IS ${not(expression.negated)}DISTINCT FROM ` +
        operand(expression.right, Precedence.comparison + 1)
      );
    case 'between':
      return (
        `${operand(expression.operand, Precedence.comparison)} ${not(expression.negated)}BETWEEN ` +
        `${operand(expression.low, Precedence.comparison + 1)} AND ${operand(expression.high, Precedence.comparison + 1)}`
      );
    case 'inList':
      return `${operand(expression.operand, Precedence.comparison)} ${not(expression.negated)}IN (${list(expression.list)})`;
    case 'like': {
      const escapeClause =
        expression.escape === undefined
          ? ''
          : ` ESCAPE ${operand(expression.escape, Precedence.comparison + 1)}`;
      return `${operand(expression.operand, Precedence.comparison)} ${not(expression.negated)}LIKE ${operand(expression.pattern, Precedence.comparison + 1)}${escapeClause}`;
    }
    case 'case': {
      const parts = ['CASE'];
      if (expression.operand !== undefined) parts.push(printExpression(expression.operand));
      for (const clause of expression.whens) {
        parts.push(`WHEN ${printExpression(clause.condition)} THEN ${printExpression(clause.result)}`);
      }
      if (expression.else !== undefined) parts.push(`ELSE ${printExpression(expression.else)}`);
      parts.push('END');
      return parts.join(' ');
    }
    case 'cast':
      return `CAST(${printExpression(expression.operand)} AS ${printType(expression.type)})`;
    case 'dereference':
      return `${operand(expression.base, Precedence.postfix)}->${printName(expression.field)}`;
    case 'subscript':
      return `${operand(expression.base, Precedence.postfix)}[${printExpression(expression.index)}]`;
    case 'functionCall':
      return `${printName(expression.name)}(${expression.distinct ? 'DISTINCT ' : ''}${list(expression.args)})`;
    case 'lambda': {
      const params =
        expression.params.length === 1
          ? printName(expression.params[0])
          : `(${expression.params.map(printName).join(', ')})`;
      return `${params} => ${printExpression(expression.body)}`;
    }
    case 'arrayConstructor':
      return `ARRAY[${list(expression.elements)}]`;
    case 'mapConstructor':
      return `MAP(${expression.entries.map((entry) => `${printExpression(entry.key)} := ${printExpression(entry.value)}`).join(', ')})`;
    case 'structConstructor':
      return `STRUCT(${expression.fields.map((field) => `${printName(field.name)} := ${printExpression(field.value)}`).join(', ')})`;
    default:
      return unreachable(expression);
  }
}

/** Prints a sub-expression, in parentheses when it binds looser than its place requires. */
function operand(expression: Expression, minPrecedence: number): string {
  const text = printExpression(expression);
  return precedenceOf(expression) < minPrecedence ? `(${text})` : text;
}

function list(expressions: readonly Expression[]): string {
  return expressions.map(printExpression).join(', ');
}

function not(negated: boolean): string {
  return negated ? 'NOT ' : '';
}

function printDuration(duration: Duration): string {
  return `${duration.value} ${duration.unit}`;
}

function printWindow(window: WindowExpression): string {
  const parts: string[] = [];
  switch (window.kind) {
    case 'tumblingWindow':
      parts.push(`SIZE ${printDuration(window.size)}`);
      break;
    case 'hoppingWindow':
      parts.push(`SIZE ${printDuration(window.size)}`, `ADVANCE BY ${printDuration(window.advance)}`);
      break;
    case 'sessionWindow':
      parts.push(printDuration(window.gap));
      break;
    default:
      return unreachable(window);
  }
  if (window.retention !== undefined) parts.push(`RETENTION ${printDuration(window.retention)}`);
  if (window.grace !== undefined) parts.push(`GRACE PERIOD ${printDuration(window.grace)}`);
  const type = { tumblingWindow: 'TUMBLING', hoppingWindow: 'HOPPING', sessionWindow: 'SESSION' }[
    window.kind
  ];
  return `${type} (${parts.join(', ')})`;
}

function printJoinWindow(window: JoinWindow): string {
  const range =
    window.after === undefined
      ? printDuration(window.before)
      : `(${printDuration(window.before)}, ${printDuration(window.after)})`;
  return window.grace === undefined ? range : `${range} GRACE PERIOD ${printDuration(window.grace)}`;
}

function printRelation(relation: Relation): string {
  if (relation.kind === 'source') {
    const alias = relation.alias === undefined ? '' : ` AS ${printName(relation.alias)}`;
    return printName(relation.name) + alias;
  }
  const join = relation.type === 'INNER' ? 'JOIN' : `${relation.type} JOIN`;
  const within = relation.within === undefined ? '' : ` WITHIN ${printJoinWindow(relation.within)}`;
  return `${printRelation(relation.left)} ${join} ${printRelation(relation.right)}${within} ON ${printExpression(relation.on)}`;
}

function printSelectItem(item: SelectItem): string {
  const text = printExpression(item.expression);
  return item.alias === undefined ? text : `${text} AS ${printName(item.alias)}`;
}

export function printQuery(query: Query): string {
  const parts = [
    `SELECT ${query.select.map(printSelectItem).join(', ')}`,
    `FROM ${printRelation(query.from)}`,
  ];
  if (query.window !== undefined) parts.push(`WINDOW ${printWindow(query.window)}`);
  if (query.where !== undefined) parts.push(`WHERE ${printExpression(query.where)}`);
  if (query.groupBy !== undefined) parts.push(`GROUP BY ${list(query.groupBy)}`);
  if (query.partitionBy !== undefined) parts.push(`PARTITION BY ${list(query.partitionBy)}`);
  if (query.having !== undefined) parts.push(`HAVING ${printExpression(query.having)}`);
  if (query.emit !== undefined) parts.push(`EMIT ${query.emit}`);
  if (query.limit !== undefined) parts.push(`LIMIT ${query.limit}`);
  return parts.join(' ');
}

/**
 * A WITH key: bare when it reads back as the same key (non-reserved keywords such as TIMESTAMP do, since
 * nothing else can stand there), else as a string literal, which is kept verbatim.
 */
function printPropertyKey(key: string): string {
  const keyword = keywordOf(key);
  return BARE_NAME.test(key) && (keyword === undefined || !isReservedKeyword(keyword))
    ? key
    : printString(key);
}

function printProperties(properties: readonly Property[]): string {
  return `(${properties.map((property) => `${printPropertyKey(property.key)}=${printLiteral(property.value)}`).join(', ')})`;
}

function printWith(properties: readonly Property[]): string {
  return properties.length === 0 ? '' : ` WITH ${printProperties(properties)}`;
}

function printConstraint(constraint: ColumnConstraint): string {
  switch (constraint.kind) {
    case 'key':
      return 'KEY';
    case 'primaryKey':
      return 'PRIMARY KEY';
    case 'headers':
      return 'HEADERS';
    case 'header':
      return `HEADER(${printString(constraint.key)})`;
    default:
      return unreachable(constraint);
  }
}

function printTableElement(element: TableElement): string {
  const constraint = element.constraint === undefined ? '' : ` ${printConstraint(element.constraint)}`;
  return `${printName(element.name)} ${printType(element.type)}${constraint}`;
}

function printQueryTarget(target: QueryTarget): string {
  return target.kind === 'allQueries' ? 'ALL' : printName(target.id);
}

function extended(isExtended: boolean): string {
  return isExtended ? ' EXTENDED' : '';
}

function flag(on: boolean, text: string): string {
  return on ? text : '';
}

/** A statement as SQL text, without the terminating `;`. */
export function printStatement(statement: Statement): string {
  switch (statement.kind) {
    case 'select':
      return printQuery(statement.query);
    case 'createSource': {
      const elements =
        statement.elements.length === 0 ? '' : ` (${statement.elements.map(printTableElement).join(', ')})`;
      return (
        `CREATE ${flag(statement.orReplace, 'OR REPLACE ')}${flag(statement.readOnly, 'SOURCE ')}${statement.sourceType} ` +
        `${flag(statement.ifNotExists, 'IF NOT EXISTS ')}${printName(statement.name)}${elements}${printWith(statement.properties)}`
      );
    }
    case 'createAsSelect':
      return (
        `CREATE ${flag(statement.orReplace, 'OR REPLACE ')}${statement.sourceType} ` +
        `${flag(statement.ifNotExists, 'IF NOT EXISTS ')}${printName(statement.name)}${printWith(statement.properties)} ` +
        `AS ${printQuery(statement.query)}`
      );
    case 'insertInto':
      return `INSERT INTO ${printName(statement.target)}${printWith(statement.properties)} ${printQuery(statement.query)}`;
    case 'insertValues': {
      const columns =
        statement.columns.length === 0 ? '' : ` (${statement.columns.map(printName).join(', ')})`;
      return `INSERT INTO ${printName(statement.target)}${columns} VALUES (${list(statement.values)})`;
    }
    case 'dropSource':
      return (
        `DROP ${statement.sourceType} ${flag(statement.ifExists, 'IF EXISTS ')}${printName(statement.name)}` +
        flag(statement.deleteTopic, ' DELETE TOPIC')
      );
    case 'alterSource':
      return `ALTER ${statement.sourceType} ${printName(statement.name)} ${statement.columns
        .map((column) => `ADD COLUMN ${printTableElement(column)}`)
        .join(', ')}`;
    case 'createType':
      return `CREATE TYPE ${flag(statement.ifNotExists, 'IF NOT EXISTS ')}${printName(statement.name)} AS ${printType(statement.type)}`;
    case 'dropType':
      return `DROP TYPE ${flag(statement.ifExists, 'IF EXISTS ')}${printName(statement.name)}`;
    case 'listStreams':
      return `SHOW STREAMS${extended(statement.extended)}`;
    case 'listTables':
      return `SHOW TABLES${extended(statement.extended)}`;
    case 'listTopics':
      return `SHOW ${flag(statement.all, 'ALL ')}TOPICS${extended(statement.extended)}`;
    case 'listQueries':
      return `SHOW QUERIES${extended(statement.extended)}`;
    case 'listProperties':
      return 'SHOW PROPERTIES';
    case 'listFunctions':
      return 'SHOW FUNCTIONS';
    case 'listVariables':
      return 'SHOW VARIABLES';
    case 'listTypes':
      return 'SHOW TYPES';
    case 'describeSource':
      return `DESCRIBE ${printName(statement.name)}${extended(statement.extended)}`;
    case 'describeSources':
      return `DESCRIBE ${statement.sourceType}S${extended(statement.extended)}`;
    case 'describeFunction':
      return `DESCRIBE FUNCTION ${printName(statement.name)}`;
    case 'explainQuery':
      return `EXPLAIN ${printName(statement.queryId)}`;
    case 'explainStatement':
      return `EXPLAIN ${printStatement(statement.statement)}`;
    case 'terminate':
      return `TERMINATE ${printQueryTarget(statement.target)}`;
    case 'pauseQuery':
      return `PAUSE ${printQueryTarget(statement.target)}`;
    case 'resumeQuery':
      return `RESUME ${printQueryTarget(statement.target)}`;
    case 'print': {
      const interval = statement.interval === undefined ? '' : ` INTERVAL ${statement.interval}`;
      const limit = statement.limit === undefined ? '' : ` LIMIT ${statement.limit}`;
      return `PRINT ${printString(statement.topic)}${flag(statement.fromBeginning, ' FROM BEGINNING')}${interval}${limit}`;
    }
    case 'setProperty':
      return `SET ${printString(statement.name)}=${printString(statement.value)}`;
    case 'unsetProperty':
      return `UNSET ${printString(statement.name)}`;
    case 'alterSystem':
      return `ALTER SYSTEM ${printString(statement.name)}=${printString(statement.value)}`;
    case 'defineVariable':
      return `DEFINE ${printVariableName(statement.name)} = ${printString(statement.value)}`;
    case 'undefineVariable':
      return `UNDEFINE ${printVariableName(statement.name)}`;
    case 'runScript':
      return `RUN SCRIPT ${printString(statement.path)}`;
    case 'createConnector':
      return (
        `CREATE ${statement.connectorType} CONNECTOR ${flag(statement.ifNotExists, 'IF NOT EXISTS ')}` +
        `${printName(statement.name)} WITH ${printProperties(statement.properties)}`
      );
    case 'dropConnector':
      return `DROP CONNECTOR ${flag(statement.ifExists, 'IF EXISTS ')}${printName(statement.name)}`;
    case 'describeConnector':
      return `DESCRIBE CONNECTOR ${printName(statement.name)}`;
    case 'listConnectors':
      return statement.scope === 'ALL' ? 'SHOW CONNECTORS' : `SHOW ${statement.scope} CONNECTORS`;
    case 'listConnectorPlugins':
      return 'SHOW CONNECTOR PLUGINS';
    case 'pauseConnector':
      return `PAUSE CONNECTOR ${printName(statement.name)}`;
    case 'resumeConnector':
      return `RESUME CONNECTOR ${printName(statement.name)}`;
    case 'restartConnector':
      return `RESTART CONNECTOR ${printName(statement.name)}`;
    case 'createDeadLetterStream':
      return `CREATE STREAM ${flag(statement.ifNotExists, 'IF NOT EXISTS ')}${printName(statement.name)} FROM DEAD LETTER QUEUE OF CONNECTOR ${printName(statement.connector)}`;
    case 'stopConnector':
      return `STOP CONNECTOR ${printName(statement.name)}`;
    case 'listConnectorStatus':
      return statement.name === undefined
        ? 'SHOW CONNECTOR STATUS'
        : `SHOW CONNECTOR STATUS ${printName(statement.name)}`;
    case 'listConnectorOffsets':
      return `SHOW CONNECTOR OFFSETS ${printName(statement.name)}`;
    case 'resetConnectorOffsets':
      return `ALTER CONNECTOR ${printName(statement.name)} RESET OFFSETS`;
    case 'setConnectorOffsets':
      return `ALTER CONNECTOR ${printName(statement.name)} SET OFFSETS (${statement.offsets
        .map((o) => `${printString(o.partition)}=${printLiteral(o.offset)}`)
        .join(', ')})`;
    case 'alterConnector':
      return `ALTER CONNECTOR ${printName(statement.name)} SET ${printProperties(statement.properties)}`;
    default:
      return unreachable(statement);
  }
}

/** Variable names keep their case, so they print as written unless they need quoting. */
function printVariableName(name: string): string {
  const keyword = keywordOf(name.toUpperCase());
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && (keyword === undefined || !isReservedKeyword(keyword))
    ? name
    : '`' + name.replaceAll('`', '``') + '`';
}

function unreachable(value: never): never {
  throw new Error(`unhandled syntax node ${JSON.stringify(value)}`);
}
