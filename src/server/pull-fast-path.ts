import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { KsqlEngine, QueryStream } from '../engine/index.js';
import type { InternalTopicRole } from './auth/access-policy.js';
import type { BasicAuthenticator } from './auth/basic-authenticator.js';
import { authorizeEarly, type StatementAuthorizer } from './auth/request-auth.js';
import type { RequestHandler } from './dual-protocol-server.js';
import { writeLookupAnswer, writeQueryAnswer } from './query-answer.js';

// Pull-query key lookups come by the thousand per second, and Fastify's per-request work (routing,
// hooks, reply objects) costs more than the lookup. This handler sits in front of Fastify and answers
// an HTTP/1.1 POST /query-stream or /query whose statement the engine has prepared as a pull query
// before, with the same writer as the routes (so the same bytes). Everything else, including every
// refusal (bad JSON, credentials, a statement error), is handed to Fastify with the body it read, so
// Fastify answers as it always does.

/** Bodies read before Fastify gets the request, for its preParsing hook to give back. */
const readAhead = new WeakMap<object, Buffer>();

let answered = 0;

/** How many requests the fast path has answered itself (for tests and metrics). */
export function pullFastPathAnswers(): number {
  return answered;
}

/** The options of a lookup without credentials: the client's address matters to push queries only. */
const NO_OPTIONS = {};

/** The largest body the fast path reads itself; a longer one goes to Fastify unread. */
const MAX_FAST_BODY = 64 * 1024;

export interface PullFastPathOptions {
  readonly engine: KsqlEngine;
  /** authentication.method=BASIC: the fast path checks credentials and roles as the hooks do. */
  readonly authenticator?: BasicAuthenticator;
  readonly internalTopics: InternalTopicRole;
  /** Fastify's body limit: a longer body is Fastify's to refuse. */
  readonly bodyLimit: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEmptyOrAbsent(v: unknown): boolean {
  if (v === undefined) return true;
  if (!isObject(v)) return false;
  for (const _ in v) return false;
  return true;
}

/** The statement of a body the fast path may answer: one statement field, no properties or variables. */
function statementOf(body: unknown, endpoint: '/query' | '/query-stream'): string | undefined {
  if (!isObject(body)) return undefined;
  const sql = endpoint === '/query' ? body.ksql : body.sql;
  if (typeof sql !== 'string') return undefined;
  const properties = endpoint === '/query' ? body.streamsProperties : body.properties;
  if (
    !isEmptyOrAbsent(properties) ||
    !isEmptyOrAbsent(body.sessionVariables) ||
    !isEmptyOrAbsent(body.requestProperties)
  )
    return undefined;
  return sql;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SQL_FIELD = Buffer.from('{"sql":"');
const KSQL_FIELD = Buffer.from('{"ksql":"');

/**
 * The statement of a body written as `{"sql":"…"}` (`{"ksql":"…"}` for /query) with nothing to
 * unescape, read without parsing JSON: the string's bytes are its text. Undefined for any other body
 * (spaces, escapes, control characters, more fields), which JSON.parse then reads.
 */
function plainStatementOf(body: Buffer, endpoint: '/query' | '/query-stream'): string | undefined {
  const field = endpoint === '/query' ? KSQL_FIELD : SQL_FIELD;
  const end = body.length - 2;
  if (end < field.length || body[end] !== QUOTE || body[end + 1] !== 0x7d) return undefined;
  if (body.compare(field, 0, field.length, 0, field.length) !== 0) return undefined;
  for (let i = field.length; i < end; i++) {
    const b = body[i];
    if (b === QUOTE || b === BACKSLASH || b < 0x20) return undefined;
  }
  return body.toString('utf8', field.length, end);
}

/** The statement the fast path may answer, or undefined (including for JSON that does not parse). */
function requestStatement(body: Buffer, endpoint: '/query' | '/query-stream'): string | undefined {
  const plain = plainStatementOf(body, endpoint);
  if (plain !== undefined) return plain;
  try {
    return statementOf(JSON.parse(body.toString('utf8')), endpoint);
  } catch {
    return undefined;
  }
}

/** Calls `done` with the body once all `length` bytes of it came; never if the request ends or fails first. */
function readBody(req: IncomingMessage, length: number, done: (body: Buffer) => void): void {
  let first: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (first === undefined) first = chunk;
    else {
      chunks ??= [first];
      chunks.push(chunk);
    }
  });
  req.on('end', () => {
    if (received !== length) return; // the client sent less than it said
    done(chunks === undefined ? (first ?? Buffer.alloc(0)) : Buffer.concat(chunks, received));
  });
  // A request that fails (the client went away) is dropped.
  req.on('error', () => {});
}

function reportBug(res: ServerResponse, err: unknown): void {
  // The writer reports a failing query in the answer; only a bug gets here.
  process.stderr.write(`ERROR pull-query fast path: ${(err as Error).stack ?? err}\n`);
  if (!res.headersSent) res.writeHead(500);
  res.end();
}

/** The handler in front of Fastify's: pull queries prepared before are answered here. */
export function pullFastPath(options: PullFastPathOptions, fastify: RequestHandler): RequestHandler {
  const { engine, authenticator, internalTopics } = options;
  const maxBody = Math.min(MAX_FAST_BODY, options.bodyLimit);
  const handOver = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    readAhead.set(req, body);
    fastify(req, res);
  };
  const written = (
    opened: QueryStream,
    res: ServerResponse,
    endpoint: '/query' | '/query-stream',
    accept?: string,
  ) => {
    answered++;
    const writing =
      opened.kind === 'pull'
        ? writeLookupAnswer(res, opened.query, endpoint, accept)
        : writeQueryAnswer(res, opened, endpoint, accept);
    writing?.catch((err: unknown) => reportBug(res, err));
  };
  /** Opens the statement if it was prepared before and answers it, else hands the request to Fastify. */
  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: '/query' | '/query-stream',
    body: Buffer,
    authorize: StatementAuthorizer | undefined,
  ) => {
    const sql = requestStatement(body, endpoint);
    if (sql === undefined) return handOver(req, res, body);
    let opened: QueryStream | Promise<QueryStream> | undefined;
    try {
      opened = engine.openPreparedPullNow(
        sql,
        authorize === undefined ? NO_OPTIONS : { client: req.socket.remoteAddress ?? '', authorize },
      );
    } catch {
      // A refusal (a role, a deleted topic): Fastify's route opens it again and answers the error.
      opened = undefined;
    }
    if (opened === undefined) return handOver(req, res, body);
    if (!(opened instanceof Promise)) return written(opened, res, endpoint, req.headers.accept);
    opened.then(
      (now) => written(now, res, endpoint, req.headers.accept),
      () => handOver(req, res, body),
    );
  };
  return (req, res) => {
    if (req.method !== 'POST' || req.httpVersionMajor !== 1) return fastify(req, res);
    const endpoint = req.url === '/query-stream' ? req.url : req.url === '/query' ? req.url : undefined;
    // Cross-origin requests keep the hooks' checks and headers; a body without a length may be long.
    const length = Number(req.headers['content-length']);
    if (
      endpoint === undefined ||
      req.headers.origin !== undefined ||
      !Number.isSafeInteger(length) ||
      length > maxBody
    ) {
      return fastify(req, res);
    }
    const http1 = req as IncomingMessage;
    const raw = res as ServerResponse;
    readBody(http1, length, (body) => {
      try {
        if (authenticator === undefined) return answer(http1, raw, endpoint, body, undefined);
        authorizeEarly(http1, authenticator, internalTopics).then(
          (authorize) =>
            authorize === undefined
              ? handOver(http1, raw, body)
              : answer(http1, raw, endpoint, body, authorize),
          (err: unknown) => reportBug(raw, err),
        );
      } catch (err) {
        reportBug(raw, err);
      }
    });
  };
}

/** Gives Fastify the body the fast path read before handing the request on. */
export function replayReadAheadBodies(app: FastifyInstance): void {
  app.addHook('preParsing', (req, _reply, payload, done) => {
    const body = readAhead.get(req.raw);
    if (body === undefined) return done(null, payload);
    readAhead.delete(req.raw);
    const replay = Object.assign(Readable.from([body]), { receivedEncodedLength: body.length });
    done(null, replay);
  });
}
