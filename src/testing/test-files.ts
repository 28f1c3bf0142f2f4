// The input and output files of ksqlDB's ksql-test-runner: {"inputs": [...]} and {"outputs": [...]},
// each record {"topic", "key", "value", "timestamp", "headers", "window"}.
import {
  fieldOf,
  isIntegralText,
  JSON_NULL,
  type JsonNode,
  JsonSyntaxError,
  parseJsonDocument,
} from './json-document.js';

export interface RecordWindow {
  readonly start: number;
  readonly end: number;
  readonly type: 'SESSION' | 'TIME';
}

export interface RecordHeaderSpec {
  readonly key: string;
  /** Base64 in the file, as ksqlDB writes byte arrays. */
  readonly value: Buffer | null;
}

/** One record as a test file gives it. */
export interface RecordSpec {
  readonly topic: string;
  /** JSON null when the file has no key. */
  readonly key: JsonNode;
  readonly value: JsonNode;
  /** Absent in an output file: any timestamp is accepted. */
  readonly timestamp?: number;
  /** Absent in an output file: the record must have no headers, as in ksqlDB. */
  readonly headers?: readonly RecordHeaderSpec[];
  readonly window?: RecordWindow;
  /** Where the record is in its file, e.g. `outputs[3]`, for messages. */
  readonly location: string;
}

/** A pull query of an output file's `pulls`, run after the inputs, with the rows it must answer. */
export interface PullSpec {
  readonly sql: string;
  /** Each row's column values, in order. */
  readonly rows: readonly (readonly JsonNode[])[];
  /** Where it is in its file, e.g. `pulls[1]`, for messages. */
  readonly location: string;
}

/** A test file that cannot be read or does not have the expected shape. */
export class TestFileError extends Error {
  override readonly name = 'TestFileError';
}

const RECORD_FIELDS = new Set(['topic', 'key', 'value', 'timestamp', 'headers', 'window']);

function describe(node: JsonNode): string {
  return node.kind === 'null' ? 'null' : `${node.kind === 'object' ? 'an' : 'a'} ${node.kind}`;
}

function wholeNumber(node: JsonNode | undefined, where: string): number | undefined {
  if (node === undefined || node.kind === 'null') return undefined;
  if (node.kind !== 'number' || !isIntegralText(node.text) || !Number.isSafeInteger(Number(node.text))) {
    throw new TestFileError(`${where} must be a whole number of milliseconds, got ${describe(node)}.`);
  }
  return Number(node.text);
}

function readHeaders(node: JsonNode | undefined, where: string): RecordHeaderSpec[] | undefined {
  if (node === undefined || node.kind === 'null') return undefined;
  if (node.kind !== 'array') throw new TestFileError(`${where} must be an array, got ${describe(node)}.`);
  return node.items.map((item, i) => {
    const key = fieldOf(item, 'KEY');
    const value = fieldOf(item, 'VALUE');
    if (key?.kind !== 'string' || (value !== undefined && value.kind !== 'string' && value.kind !== 'null')) {
      throw new TestFileError(
        `${where}[${i}] must be {"KEY": "name", "VALUE": "base64 bytes"}, got ${describe(item)}.`,
      );
    }
    return { key: key.value, value: value?.kind === 'string' ? Buffer.from(value.value, 'base64') : null };
  });
}

function readWindow(node: JsonNode | undefined, where: string): RecordWindow | undefined {
  if (node === undefined || node.kind === 'null') return undefined;
  const type = fieldOf(node, 'type');
  const upper = type?.kind === 'string' ? type.value.toUpperCase() : '';
  if (node.kind !== 'object' || (upper !== 'SESSION' && upper !== 'TIME')) {
    throw new TestFileError(
      `${where} must be {"start": ms, "end": ms, "type": "TIME" or "SESSION"}, got ${describe(node)}.`,
    );
  }
  const start = wholeNumber(fieldOf(node, 'start'), `${where}.start`);
  const end = wholeNumber(fieldOf(node, 'end'), `${where}.end`);
  if (start === undefined || end === undefined) throw new TestFileError(`${where} needs both start and end.`);
  return { start, end, type: upper as RecordWindow['type'] };
}

function readRecord(node: JsonNode, location: string, fileName: string): RecordSpec {
  const where = `${fileName}: ${location}`;
  if (node.kind !== 'object') throw new TestFileError(`${where} must be an object, got ${describe(node)}.`);
  // Unknown fields are refused: a misspelt "timestmap" would otherwise silently check nothing.
  const unknown = node.fields.filter((f) => !RECORD_FIELDS.has(f.name)).map((f) => f.name);
  if (unknown.length > 0) {
    throw new TestFileError(
      `${where} has unknown field(s) ${unknown.map((n) => `"${n}"`).join(', ')}; a record has topic, key, value, timestamp, headers and window.`,
    );
  }
  const topic = fieldOf(node, 'topic');
  if (topic?.kind !== 'string' || topic.value === '') {
    throw new TestFileError(`${where}.topic is missing: every record names its topic.`);
  }
  const value = fieldOf(node, 'value');
  if (value === undefined) {
    throw new TestFileError(`${where}.value is missing: give the value, or null for a tombstone.`);
  }
  const timestamp = wholeNumber(fieldOf(node, 'timestamp'), `${where}.timestamp`);
  const headers = readHeaders(fieldOf(node, 'headers'), `${where}.headers`);
  const window = readWindow(fieldOf(node, 'window'), `${where}.window`);
  return {
    topic: topic.value,
    key: fieldOf(node, 'key') ?? JSON_NULL,
    value,
    ...(timestamp === undefined ? {} : { timestamp }),
    ...(headers === undefined ? {} : { headers }),
    ...(window === undefined ? {} : { window }),
    location,
  };
}

/**
 * Reads the records of an input (`inputs`) or output (`outputs`) file. An empty `outputs` is refused:
 * a test that expects nothing checks nothing (ksqlDB refuses it too).
 */
export function parseRecordsFile(text: string, fileName: string, field: 'inputs' | 'outputs'): RecordSpec[] {
  const document = parseDocument(text, fileName);
  const records = fieldOf(document, field);
  if (records?.kind !== 'array') {
    throw new TestFileError(`${fileName} must be a JSON object with an array field "${field}".`);
  }
  if (field === 'outputs' && records.items.length === 0 && parsePulls(document, fileName).length === 0) {
    throw new TestFileError(
      `${fileName}: "outputs" is empty; list at least one expected record (or a pull query in "pulls").`,
    );
  }
  return records.items.map((item, i) => readRecord(item, `${field}[${i}]`, fileName));
}

function parseDocument(text: string, fileName: string): JsonNode {
  try {
    return parseJsonDocument(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError)
      throw new TestFileError(`${fileName} is not valid JSON: ${err.message}.`);
    throw err;
  }
}

const PULL_FIELDS = new Set(['sql', 'rows']);

function parsePulls(document: JsonNode, fileName: string): PullSpec[] {
  const pulls = fieldOf(document, 'pulls');
  if (pulls === undefined) return [];
  if (pulls.kind !== 'array')
    throw new TestFileError(`${fileName}: "pulls" must be an array, got ${describe(pulls)}.`);
  return pulls.items.map((node, i) => {
    const location = `pulls[${i}]`;
    const where = `${fileName}: ${location}`;
    if (node.kind !== 'object') throw new TestFileError(`${where} must be an object, got ${describe(node)}.`);
    const unknown = node.fields.filter((f) => !PULL_FIELDS.has(f.name)).map((f) => f.name);
    if (unknown.length > 0) {
      throw new TestFileError(
        `${where} has unknown field(s) ${unknown.map((n) => `"${n}"`).join(', ')}; a pull query has sql and rows.`,
      );
    }
    const sql = fieldOf(node, 'sql');
    if (sql?.kind !== 'string' || sql.value.trim() === '') {
      throw new TestFileError(`${where}.sql is missing: give the pull query's text.`);
    }
    const rows = fieldOf(node, 'rows');
    if (rows?.kind !== 'array' || rows.items.some((r) => r.kind !== 'array')) {
      throw new TestFileError(
        `${where}.rows must be an array of rows, each an array of column values ([] for no rows).`,
      );
    }
    return {
      sql: sql.value,
      rows: rows.items.map((r) => (r.kind === 'array' ? r.items : [])),
      location,
    };
  });
}

/** The pull queries of an output file's optional `pulls`: `[{"sql": "SELECT …;", "rows": [[…], …]}]`. */
export function parsePullsFile(text: string, fileName: string): PullSpec[] {
  return parsePulls(parseDocument(text, fileName), fileName);
}
