import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { PullQuery, PushQueryHandle, QueryStream } from '../engine/index.js';
import type { QueryStreamHeader, StreamedRow } from '../rest-model/index.js';
import { genericError, type KsqlErrorBody } from './errors.js';
import { rowJson } from './row-json.js';
import { type RawResponse, StreamingResponse } from './streaming-response.js';

// How /query and /query-stream write an opened query's answer: shared by their Fastify routes and the
// pull-query fast path, so both give the same bytes.

const DELIMITED = 'application/vnd.ksqlapi.delimited.v1';
const KSQL_V1_JSON = 'application/vnd.ksql.v1+json';

/** One batch of a query's rows. */
type PushBatch = PullQuery['rows'] extends AsyncGenerator<infer B> ? B : never;

/** The columns and rows of a push or pull query, as the writers below need them. */
type QueryResults = Pick<
  PushQueryHandle,
  'queryId' | 'columnNames' | 'columnTypes' | 'types' | 'rows' | 'limit' | 'close'
> &
  Pick<PullQuery, 'batchesNow' | 'consistencyToken'>;

/** `keys` marks a table pull query's key columns, which ksqlDB's header schema shows as `KEY`. */
function headerSchema(results: QueryResults, keys?: readonly boolean[]): string {
  return results.columnNames
    .map((n, i) => `\`${n}\` ${results.columnTypes[i]}${keys?.[i] === true ? ' KEY' : ''}`)
    .join(', ');
}

function streamedRowHeader(results: QueryResults, keys?: readonly boolean[]): string {
  const header: StreamedRow = { header: { queryId: results.queryId, schema: headerSchema(results, keys) } };
  return JSON.stringify(header);
}

/** /query-stream's first line: the query id, column names and types. */
function queryStreamMeta(results: QueryResults): string {
  return JSON.stringify({
    queryId: results.queryId,
    columnNames: results.columnNames,
    columnTypes: results.columnTypes,
  } satisfies QueryStreamHeader);
}

/**
 * How one endpoint lays out its answer around its first element (`head`, which names the query):
 * every function gives one element (one write). The layouts are constants, shared by all answers.
 */
interface AnswerLayout {
  readonly contentType: string;
  /** The first element, from the query's header (the meta line, or the StreamedRow header). */
  readonly head: (header: string) => string;
  readonly row: (json: string) => string;
  /** A deleted key of a table (key columns set, the rest null); undefined drops it. */
  readonly tombstone: ((json: string) => string) | undefined;
  readonly error: (body: KsqlErrorBody) => string;
  /** A table pull query's consistency token, after its rows. */
  readonly consistencyToken: (token: string) => string;
  /** The last element, '' for none. */
  readonly tail: (end: 'limit' | 'completed' | 'error') => string;
}

/** A layout with its first element for one answer. */
interface AnswerFormat {
  readonly layout: AnswerLayout;
  readonly head: string;
}

const DELIMITED_LAYOUT: AnswerLayout = {
  contentType: DELIMITED,
  head: (meta) => `${meta}\n`,
  row: (json) => `${json}\n`,
  // ksqlDB's /query-stream writers drop tombstones ("not currently supported").
  tombstone: undefined,
  error: (body) => `${JSON.stringify(body)}\n`,
  consistencyToken: (token) => `${JSON.stringify({ consistencyToken: token })}\n`,
  tail: () => '',
};

const JSON_ARRAY_LAYOUT: AnswerLayout = {
  contentType: 'application/json',
  head: (meta) => `[${meta}`,
  row: (json) => `,${json}`,
  tombstone: undefined,
  error: (body) => `,${JSON.stringify(body)}`,
  consistencyToken: (token) => `,${JSON.stringify({ consistencyToken: token })}`,
  tail: () => ']',
};

/**
 * ksqlDB's StreamedRow array: /query, and /query-stream asked for application/vnd.ksql.v1+json. A
 * pull query over a table ends with its last row, without a final message (ksqlDB's buffered writer).
 */
const streamedRowLayout = (finalMessage: boolean): AnswerLayout => ({
  contentType: 'application/json',
  head: (header) => `[${header}`,
  row: (json) => `,\n{"row":{"columns":${json}}}`,
  tombstone: (json) => `,\n{"row":{"columns":${json},"tombstone":true}}`,
  error: (body) => `,\n${JSON.stringify({ errorMessage: body } satisfies StreamedRow)}`,
  // ksqlDB's StreamedRow.consistencyToken: the ConsistencyToken entity under its own name.
  consistencyToken: (token) => `,\n${JSON.stringify({ consistencyToken: { consistencyToken: token } })}`,
  // After an error ksqlDB closes the array without a final message.
  tail: (end) =>
    end === 'error' || !finalMessage
      ? ']\n'
      : `,\n{"finalMessage":"${end === 'limit' ? 'Limit Reached' : 'Query Completed'}"}]\n`,
});

const STREAMED_ROW_LAYOUT = streamedRowLayout(true);
const TABLE_STREAMED_ROW_LAYOUT = streamedRowLayout(false);

/** Which layout an endpoint and Accept header ask for. */
function layoutKind(endpoint: '/query' | '/query-stream', accept: string | undefined): LayoutKind {
  if (endpoint === '/query') return 'streamedRow';
  const types = accept ?? '';
  if (types.includes(KSQL_V1_JSON) && !types.includes(DELIMITED)) return 'streamedRow';
  return types.includes('application/json') && !types.includes(DELIMITED) ? 'jsonArray' : 'delimited';
}

type LayoutKind = 'streamedRow' | 'jsonArray' | 'delimited';

/** The answer's layout and first element for a push or pull query. */
function answerFormat(opened: Exclude<QueryStream, { kind: 'print' }>, kind: LayoutKind): AnswerFormat {
  const handle = opened.kind === 'pull' ? opened.query : opened.handle;
  if (kind !== 'streamedRow') {
    const layout = kind === 'jsonArray' ? JSON_ARRAY_LAYOUT : DELIMITED_LAYOUT;
    return { layout, head: layout.head(queryStreamMeta(handle)) };
  }
  if (opened.kind === 'pull' && opened.query.overTable) {
    const q = opened.query;
    return { layout: TABLE_STREAMED_ROW_LAYOUT, head: `[${streamedRowHeader(q, q.keyColumns)}` };
  }
  return { layout: STREAMED_ROW_LAYOUT, head: `[${streamedRowHeader(handle)}` };
}

/**
 * Streams a push query's rows until its LIMIT, the client going away, or POST /close-query, one
 * row per write. Works the same over HTTP/1.1 (chunked) and HTTP/2.
 */
async function stream(
  reply: FastifyReply | RawResponse,
  handle: QueryResults,
  { layout: format, head: first }: AnswerFormat,
  finite = false,
): Promise<void> {
  const types = handle.types;
  const out = new StreamingResponse(reply, 200, format.contentType, () => handle.close());
  let sent = 0;
  let failed = false;
  // A pull query's head leaves with its first rows (one write, not two); a push query's at once, so
  // that its client sees the columns before any row comes.
  let head: string | undefined = first;
  const takeHead = (): string[] => {
    const taken = head === undefined ? [] : [head];
    head = undefined;
    return taken;
  };
  // A finite answer holds back its latest batch, so that a short one (a key lookup) leaves with the
  // end of the body in one write; a long one streams a batch behind.
  let held: string[] = [];
  const elementsOf = ({ rows, tombstones }: PushBatch): string[] => {
    const elements: string[] = takeHead();
    for (let i = 0; i < rows.length; i++) {
      if (tombstones?.[i] !== true) elements.push(format.row(rowJson(rows[i], types)));
      else if (format.tombstone !== undefined) elements.push(format.tombstone(rowJson(rows[i], types)));
    }
    sent += rows.length;
    return elements;
  };
  try {
    if (!finite) await out.write(takeHead()[0]);
    if (finite && handle.batchesNow !== undefined) {
      // A key lookup's rows are read without awaiting; the same writes as the loop below.
      for (const batch of handle.batchesNow()) {
        const elements = elementsOf(batch);
        if (held.length > 0) await out.writeBatch(held);
        held = elements;
      }
    } else {
      for await (const batch of handle.rows) {
        const elements = elementsOf(batch);
        if (!finite) {
          await out.writeBatch(elements);
          continue;
        }
        if (held.length > 0) await out.writeBatch(held);
        held = elements;
      }
    }
  } catch (err) {
    failed = true;
    held.push(...takeHead(), format.error(genericError('SERVER_ERROR', (err as Error).message)));
  } finally {
    handle.close();
    if (!failed && handle.consistencyToken !== undefined)
      held.push(...takeHead(), format.consistencyToken(handle.consistencyToken));
    const tail = format.tail(failed ? 'error' : sent === handle.limit ? 'limit' : 'completed');
    await out.endWith([...held, takeHead().join('') + tail]);
  }
}

/** PRINT: the topic's records as text lines, one per write, until LIMIT or the client goes away. */
async function streamPrint(
  reply: FastifyReply | RawResponse,
  print: Extract<QueryStream, { kind: 'print' }>,
) {
  const out = new StreamingResponse(reply, 200, 'text/plain; charset=utf-8', () => print.close());
  try {
    for await (const lines of print.lines) {
      await out.writeBatch(lines.map((line) => `${line}\n`));
    }
  } catch (err) {
    await out.write(`${(err as Error).message}\n`);
  } finally {
    print.close();
    out.end();
  }
}

/**
 * Writes an opened query's answer in the layout its endpoint and the client's Accept header ask for:
 * /query gives ksqlDB's StreamedRow array; /query-stream the delimited layout unless asked for JSON.
 */
export async function writeQueryAnswer(
  reply: FastifyReply | RawResponse,
  opened: QueryStream,
  endpoint: '/query' | '/query-stream',
  accept: string | undefined,
): Promise<void> {
  if (opened.kind === 'print') return streamPrint(reply, opened);
  const handle = opened.kind === 'pull' ? opened.query : opened.handle;
  return stream(reply, handle, answerFormat(opened, layoutKind(endpoint, accept)), opened.kind === 'pull');
}

/** What a table pull query's first element holds besides its id: the same for every lookup of one plan. */
interface PullHeadParts {
  readonly columnTypes: readonly string[];
  readonly keyColumns: readonly boolean[];
  /** /query-stream's meta line after the query id (`,"columnNames":…}`). */
  readonly metaRest: string;
  /** The StreamedRow header's schema as JSON text. */
  readonly schemaJson: string;
}

/** By a prepared pull query's column names (one array for all its lookups). */
const pullHeadParts = new WeakMap<readonly string[], PullHeadParts>();

function headPartsOf(q: PullQuery): PullHeadParts {
  const known = pullHeadParts.get(q.columnNames);
  if (known !== undefined && known.columnTypes === q.columnTypes && known.keyColumns === q.keyColumns) {
    return known;
  }
  const meta = queryStreamMeta({ ...q, queryId: '' });
  const parts: PullHeadParts = {
    columnTypes: q.columnTypes,
    keyColumns: q.keyColumns,
    metaRest: meta.slice('{"queryId":""'.length),
    schemaJson: JSON.stringify(headerSchema(q, q.keyColumns)),
  };
  pullHeadParts.set(q.columnNames, parts);
  return parts;
}

/** A table pull query's layout and first element, the same text as answerFormat's, from cached parts. */
function tablePullFormat(q: PullQuery, kind: LayoutKind): AnswerFormat {
  const parts = headPartsOf(q);
  const id = JSON.stringify(q.queryId);
  if (kind === 'streamedRow') {
    return {
      layout: TABLE_STREAMED_ROW_LAYOUT,
      head: `[{"header":{"queryId":${id},"schema":${parts.schemaJson}}}`,
    };
  }
  const layout = kind === 'jsonArray' ? JSON_ARRAY_LAYOUT : DELIMITED_LAYOUT;
  return { layout, head: layout.head(`{"queryId":${id}${parts.metaRest}`) };
}

/** The batches read so far, then the rest of the reading (or its failure), for the streamed writer. */
function* replay(
  read: readonly PushBatch[],
  rest: Iterator<PushBatch> | undefined,
  failure: { readonly error: unknown } | undefined,
): Generator<PushBatch> {
  yield* read;
  if (failure !== undefined) throw failure.error;
  if (rest === undefined) return;
  for (let r = rest.next(); r.done !== true; r = rest.next()) yield r.value;
}

/**
 * A table key lookup's answer over HTTP/1.1, written at once when its rows are one batch: the same
 * bytes as writeQueryAnswer's (one write with the end of the body), without its promises, reply
 * object or listeners. A longer answer, or one whose reading fails, goes on through the streamed
 * writer (the batches read so far replayed into it), whose promise is returned then.
 */
export function writeLookupAnswer(
  res: ServerResponse,
  query: PullQuery,
  endpoint: '/query' | '/query-stream',
  accept: string | undefined,
): Promise<void> | undefined {
  const kind = layoutKind(endpoint, accept);
  const { batchesNow } = query;
  if (batchesNow === undefined || !query.overTable || query.consistencyToken !== undefined) {
    return stream(res, query, answerFormat({ kind: 'pull', query }, kind), true);
  }
  const format = tablePullFormat(query, kind);
  const read: PushBatch[] = [];
  let rest: Iterator<PushBatch> | undefined;
  let failure: { error: unknown } | undefined;
  let body = format.head;
  try {
    const batches = batchesNow()[Symbol.iterator]();
    for (let r = batches.next(); r.done !== true; r = batches.next()) {
      read.push(r.value);
      if (read.length > 1) {
        rest = batches;
        break;
      }
    }
    if (rest === undefined) body += rowsText(read, query.types, format.layout);
  } catch (error) {
    failure = { error };
  }
  if (rest !== undefined || failure !== undefined) {
    return stream(res, { ...query, batchesNow: () => replay(read, rest, failure) }, format, true);
  }
  query.close();
  const sent = read.length === 0 ? 0 : read[0].rows.length;
  body += format.layout.tail(sent === query.limit ? 'limit' : 'completed');
  res.writeHead(200, { 'content-type': format.layout.contentType });
  // The client may have gone while the request was being prepared: nothing to write to.
  if (!res.destroyed && res.socket !== null && !res.socket.destroyed) res.end(body);
  return undefined;
}

/** The elements of a batch's rows as one text (tombstones as the layout has them). */
function rowsText(batches: readonly PushBatch[], types: PullQuery['types'], layout: AnswerLayout): string {
  let text = '';
  for (const { rows, tombstones } of batches) {
    for (let i = 0; i < rows.length; i++) {
      if (tombstones?.[i] !== true) text += layout.row(rowJson(rows[i], types));
      else if (layout.tombstone !== undefined) text += layout.tombstone(rowJson(rows[i], types));
    }
  }
  return text;
}
