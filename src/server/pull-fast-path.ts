import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { KsqlEngine, QueryStream } from '../engine/index.js';
import type { InternalTopicRole } from './auth/access-policy.js';
import type { BasicAuthenticator } from './auth/basic-authenticator.js';
import { authorizeEarly, type StatementAuthorizer } from './auth/request-auth.js';
import type { RequestHandler } from './dual-protocol-server.js';
import { writeQueryAnswer } from './query-answer.js';

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
  if (!isEmptyOrAbsent(properties) || !isEmptyOrAbsent(body.sessionVariables)) return undefined;
  return sql;
}

/** The body, once all `length` bytes of it came; undefined if the request ended or failed first. */
function readBody(req: IncomingMessage, length: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    req.once('end', () =>
      resolve(
        received === length ? (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received)) : undefined,
      ),
    );
    req.once('error', () => resolve(undefined));
    req.once('close', () => resolve(undefined)); // after 'end' this changes nothing
  });
}

/** The handler in front of Fastify's: pull queries prepared before are answered here. */
export function pullFastPath(options: PullFastPathOptions, fastify: RequestHandler): RequestHandler {
  const { engine, authenticator, internalTopics } = options;
  const maxBody = Math.min(MAX_FAST_BODY, options.bodyLimit);
  const handOver = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    readAhead.set(req, body);
    fastify(req, res);
  };
  const answer = async (
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: '/query' | '/query-stream',
    length: number,
  ) => {
    const body = await readBody(req, length);
    if (body === undefined) return; // the client went away or sent less than it said
    let authorize: StatementAuthorizer | undefined;
    if (authenticator !== undefined) {
      authorize = await authorizeEarly(req, authenticator, internalTopics);
      if (authorize === undefined) return handOver(req, res, body);
    }
    let sql: string | undefined;
    try {
      sql = statementOf(JSON.parse(body.toString('utf8')), endpoint);
    } catch {
      sql = undefined;
    }
    if (sql === undefined) return handOver(req, res, body);
    let opened: QueryStream | undefined;
    try {
      opened = await engine.openPreparedPull(sql, {
        client: req.socket.remoteAddress ?? '',
        ...(authorize === undefined ? {} : { authorize }),
      });
    } catch {
      // A refusal (a role, a deleted topic): Fastify's route opens it again and answers the error.
      opened = undefined;
    }
    if (opened === undefined) return handOver(req, res, body);
    answered++;
    await writeQueryAnswer(res, opened, endpoint, req.headers.accept);
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
    answer(http1, res as ServerResponse, endpoint, length).catch((err: unknown) => {
      // The writer reports a failing query in the answer; only a bug gets here.
      process.stderr.write(`ERROR pull-query fast path: ${(err as Error).stack ?? err}\n`);
      if (!res.headersSent) (res as ServerResponse).writeHead(500);
      res.end();
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
