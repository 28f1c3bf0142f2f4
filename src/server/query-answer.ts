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
  Pick<PullQuery, 'batchesNow'>;

/** `keys` marks a table pull query's key columns, which ksqlDB's header schema shows as `KEY`. */
function streamedRowHeader(results: QueryResults, keys?: readonly boolean[]): string {
  const schema = results.columnNames
    .map((n, i) => `\`${n}\` ${results.columnTypes[i]}${keys?.[i] === true ? ' KEY' : ''}`)
    .join(', ');
  const header: StreamedRow = { header: { queryId: results.queryId, schema } };
  return JSON.stringify(header);
}

/** How one endpoint lays out its answer: every function gives one element (one write). */
interface AnswerFormat {
  readonly contentType: string;
  readonly head: string;
  readonly row: (json: string) => string;
  /** A deleted key of a table (key columns set, the rest null); undefined drops it. */
  readonly tombstone: ((json: string) => string) | undefined;
  readonly error: (body: KsqlErrorBody) => string;
  /** The last element, '' for none. */
  readonly tail: (end: 'limit' | 'completed' | 'error') => string;
}

const delimitedFormat = (meta: string): AnswerFormat => ({
  contentType: DELIMITED,
  head: `${meta}\n`,
  row: (json) => `${json}\n`,
  // ksqlDB's /query-stream writers drop tombstones ("not currently supported").
  tombstone: undefined,
  error: (body) => `${JSON.stringify(body)}\n`,
  tail: () => '',
});

const jsonArrayFormat = (meta: string): AnswerFormat => ({
  contentType: 'application/json',
  head: `[${meta}`,
  row: (json) => `,${json}`,
  tombstone: undefined,
  error: (body) => `,${JSON.stringify(body)}`,
  tail: () => ']',
});

/**
 * ksqlDB's StreamedRow array: /query, and /query-stream asked for application/vnd.ksql.v1+json. A
 * pull query over a table ends with its last row, without a final message (ksqlDB's buffered writer).
 */
const streamedRowFormat = (header: string, finalMessage = true): AnswerFormat => ({
  contentType: 'application/json',
  head: `[${header}`,
  row: (json) => `,\n{"row":{"columns":${json}}}`,
  tombstone: (json) => `,\n{"row":{"columns":${json},"tombstone":true}}`,
  error: (body) => `,\n${JSON.stringify({ errorMessage: body } satisfies StreamedRow)}`,
  // After an error ksqlDB closes the array without a final message.
  tail: (end) =>
    end === 'error' || !finalMessage
      ? ']\n'
      : `,\n{"finalMessage":"${end === 'limit' ? 'Limit Reached' : 'Query Completed'}"}]\n`,
});

/** The StreamedRow layout of a push or pull query's answer. */
function streamedRowAnswer(opened: Exclude<QueryStream, { kind: 'print' }>): AnswerFormat {
  if (opened.kind === 'rows') return streamedRowFormat(streamedRowHeader(opened.handle));
  const q = opened.query;
  return q.overTable
    ? streamedRowFormat(streamedRowHeader(q, q.keyColumns), false)
    : streamedRowFormat(streamedRowHeader(q));
}

/**
 * Streams a push query's rows until its LIMIT, the client going away, or POST /close-query, one
 * row per write. Works the same over HTTP/1.1 (chunked) and HTTP/2.
 */
async function stream(
  reply: FastifyReply | RawResponse,
  handle: QueryResults,
  format: AnswerFormat,
  finite = false,
): Promise<void> {
  const types = handle.types;
  const out = new StreamingResponse(reply, 200, format.contentType, () => handle.close());
  let sent = 0;
  let failed = false;
  // A pull query's head leaves with its first rows (one write, not two); a push query's at once, so
  // that its client sees the columns before any row comes.
  let head: string | undefined = format.head;
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
  const finite = opened.kind === 'pull';
  if (endpoint === '/query') return stream(reply, handle, streamedRowAnswer(opened), finite);
  const types = accept ?? '';
  if (types.includes(KSQL_V1_JSON) && !types.includes(DELIMITED)) {
    return stream(reply, handle, streamedRowAnswer(opened), finite);
  }
  const meta = JSON.stringify({
    queryId: handle.queryId,
    columnNames: handle.columnNames,
    columnTypes: handle.columnTypes,
  } satisfies QueryStreamHeader);
  const asJson = types.includes('application/json') && !types.includes(DELIMITED);
  return stream(reply, handle, asJson ? jsonArrayFormat(meta) : delimitedFormat(meta), finite);
}
