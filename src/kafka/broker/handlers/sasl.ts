import { ErrorCode } from '../../protocol/error-codes.js';
import type { Struct } from '../../protocol/schema.js';
import type { RequestContext, SaslSession } from '../context.js';

const MECHANISMS = ['PLAIN'];

/** SaslHandshake: PLAIN only; v0 means the token follows as a raw frame without a Kafka header. */
export async function handleSaslHandshake(request: Struct, ctx: RequestContext): Promise<Struct> {
  const session = ctx.session;
  if (ctx.broker.authenticatePlain === undefined) {
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
  }
  if (session.authenticated || session.mechanism !== undefined) {
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: MECHANISMS };
  }
  if (request.mechanism !== 'PLAIN')
    return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: MECHANISMS };
  session.mechanism = 'PLAIN';
  session.rawTokenNext = ctx.version === 0;
  return { errorCode: ErrorCode.NONE, mechanisms: MECHANISMS };
}

/**
 * Checks a PLAIN token (authzid NUL user NUL password) against the server's users. A failure
 * answers SASL_AUTHENTICATION_FAILED and then closes the connection, as Kafka does.
 */
export async function checkPlainToken(
  token: Buffer,
  ctx: Pick<RequestContext, 'broker' | 'clientHost'>,
  session: SaslSession,
): Promise<string | undefined> {
  const authenticate = ctx.broker.authenticatePlain;
  if (authenticate === undefined) return 'this listener does not use SASL';
  const parts = token.toString('utf8').split('\u0000');
  if (parts.length !== 3 || parts[1] === '') return 'a SASL/PLAIN token is authzid NUL user NUL password';
  const [authzid, user, password] = parts;
  if (authzid !== '' && authzid !== user) return `user '${user}' may not act as '${authzid}'`;
  const refused = await authenticate(user, password, ctx.clientHost);
  if (refused !== undefined) return refused;
  session.authenticated = true;
  session.user = user;
  return undefined;
}

export async function handleSaslAuthenticate(request: Struct, ctx: RequestContext): Promise<Struct> {
  const session = ctx.session;
  if (session.mechanism === undefined || session.authenticated) {
    session.closeAfterResponse = true;
    return {
      errorCode: ErrorCode.ILLEGAL_SASL_STATE,
      errorMessage: 'SaslAuthenticate before a SaslHandshake, or after authentication',
      authBytes: Buffer.alloc(0),
      sessionLifetimeMs: 0,
    };
  }
  const refused = await checkPlainToken(request.authBytes as Buffer, ctx, session);
  if (refused !== undefined) {
    session.closeAfterResponse = true;
    ctx.broker.writeLine(
      `Kafka listener: SASL/PLAIN authentication from ${ctx.clientHost} failed: ${refused}`,
    );
    return {
      errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
      errorMessage: `Authentication failed: ${refused}`,
      authBytes: Buffer.alloc(0),
      sessionLifetimeMs: 0,
    };
  }
  return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
}
