import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Statement } from '../../engine/index.js';
import { errorBody, errorOfStatus } from '../errors.js';
import {
  connectRequestDenied,
  type InternalTopicRole,
  ksqlRequestDenied,
  statementDenied,
} from './access-policy.js';
import type { AuthenticationResult, BasicAuthenticator, Principal } from './basic-authenticator.js';

/** Who made each request, once authenticated (keyed by the raw request, which Fastify keeps). */
const principals = new WeakMap<object, Principal>();
/** The internal topics of the app a request came to, for its statement checks. */
const internalTopicsOf = new WeakMap<object, InternalTopicRole>();

/**
 * Credentials the pull-query fast path checked before handing the request to Fastify: checked once,
 * so a wrong password counts once against the failed-login limit.
 */
const checkedEarlier = new WeakMap<object, AuthenticationResult>();

/** Paths anyone may call: load balancers and clients probe them before they have credentials. */
const OPEN_PATHS = new Set(['/healthcheck', '/info']);

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Checks one statement against the caller's role; the engine calls it for each statement it parsed. */
export type StatementAuthorizer = (statement: Statement) => string | undefined;

/** The statement check for a request, or undefined when authentication is off. */
export function statementAuthorizer(req: FastifyRequest): StatementAuthorizer | undefined {
  const principal = principals.get(req.raw);
  if (principal === undefined) return undefined;
  const internal = internalTopicsOf.get(req.raw);
  return (statement) => statementDenied(principal.role, statement, internal);
}

type ErrorBody = (status: number, message: string) => unknown;

const ksqlErrorBody: ErrorBody = (status, message) => errorBody(errorOfStatus(status, message));
/** Kafka Connect's error shape. */
const connectErrorBody: ErrorBody = (status, message) => ({ error_code: status, message });

function refuse(
  reply: FastifyReply,
  authenticator: BasicAuthenticator,
  status: number,
  message: string,
  body: ErrorBody,
  retryAfterSeconds?: number,
): FastifyReply {
  if (status === 401) reply.header('www-authenticate', authenticator.challenge);
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  return reply.code(status).type('application/json').send(body(status, message));
}

async function authenticate(
  req: FastifyRequest,
  reply: FastifyReply,
  authenticator: BasicAuthenticator,
  body: ErrorBody,
): Promise<Principal | undefined> {
  const result =
    checkedEarlier.get(req.raw) ?? (await authenticator.authenticate(req.headers.authorization, req.ip));
  if (!result.ok) {
    refuse(reply, authenticator, result.status, result.message, body, result.retryAfterSeconds);
    return undefined;
  }
  principals.set(req.raw, result.principal);
  return result.principal;
}

/**
 * Basic authentication on the ksqlDB API: every request but /healthcheck and /info needs valid
 * credentials (401 with a challenge otherwise); the role is checked per request here and per
 * statement by the engine (403 naming what was refused).
 */
export function requireKsqlAuthentication(
  app: FastifyInstance,
  authenticator: BasicAuthenticator,
  internal: InternalTopicRole,
): void {
  app.addHook('onRequest', async (req, reply) => {
    const path = pathOf(req.url);
    if (OPEN_PATHS.has(path)) return;
    const principal = await authenticate(req, reply, authenticator, ksqlErrorBody);
    if (principal === undefined) return reply;
    internalTopicsOf.set(req.raw, internal);
    const denied = ksqlRequestDenied(principal.role, req.method, path, internal);
    if (denied !== undefined) return refuse(reply, authenticator, 403, denied, ksqlErrorBody);
  });
}

/**
 * The statement check for a request the fast path answers itself (a ksqlDB API path other than the
 * open ones), or undefined when its credentials or role are refused: Fastify's hook then answers it,
 * with the result checked here.
 */
export async function authorizeEarly(
  raw: IncomingMessage,
  authenticator: BasicAuthenticator,
  internal: InternalTopicRole,
): Promise<StatementAuthorizer | undefined> {
  const result = await authenticator.authenticate(raw.headers.authorization, raw.socket.remoteAddress);
  checkedEarlier.set(raw, result);
  if (!result.ok) return undefined;
  const role = result.principal.role;
  if (ksqlRequestDenied(role, raw.method ?? '', pathOf(raw.url ?? ''), internal) !== undefined)
    return undefined;
  return (statement) => statementDenied(role, statement, internal);
}

/** The same users on the embedded Connect REST API; a connector config is checked once its body is read. */
export function requireConnectAuthentication(app: FastifyInstance, authenticator: BasicAuthenticator): void {
  app.addHook('onRequest', async (req, reply) => {
    const principal = await authenticate(req, reply, authenticator, connectErrorBody);
    if (principal === undefined) return reply;
  });
  app.addHook('preHandler', async (req, reply) => {
    const principal = principals.get(req.raw);
    if (principal === undefined) return refuse(reply, authenticator, 401, 'Unauthorized.', connectErrorBody);
    const denied = connectRequestDenied(principal.role, req.method, pathOf(req.url), req.body);
    if (denied !== undefined) return refuse(reply, authenticator, 403, denied, connectErrorBody);
  });
}
