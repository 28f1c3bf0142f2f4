import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConnectError } from '../worker/index.js';

/**
 * Kafka Connect's leader forwarding (HerderRequestHandler): a request only the leader serves is
 * sent on to it with `forward=true`; a worker that gets `forward=true` and is not the leader either
 * (a rebalance moved the leader meanwhile) sends it on once more with `forward=false`, which is
 * never forwarded again. The leader's answer, status and body, is relayed as it is.
 */
export async function forwardToLeader(
  req: FastifyRequest,
  reply: FastifyReply,
  leaderUrl: string | undefined,
): Promise<FastifyReply> {
  const query = (req.query ?? {}) as Record<string, string>;
  if (query.forward === 'false')
    throw new ConnectError(
      409,
      'Cannot complete request because of a conflicting operation (e.g. worker rebalance)',
    );
  if (leaderUrl === undefined)
    throw new ConnectError(
      409,
      'Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.',
    );
  const url = new URL(req.url, leaderUrl);
  url.searchParams.set('forward', query.forward === 'true' ? 'false' : 'true');
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'content-type', 'accept']) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  let answer: Response;
  try {
    answer = await fetch(url, {
      method: req.method,
      headers,
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
    });
  } catch (err) {
    throw new ConnectError(
      500,
      `Cannot forward the request to the leader at ${leaderUrl}: ${(err as Error).message}`,
    );
  }
  const text = await answer.text();
  reply.code(answer.status);
  const type = answer.headers.get('content-type');
  if (type !== null) reply.header('content-type', type);
  const location = answer.headers.get('location');
  if (location !== null) reply.header('location', location);
  return reply.send(text === '' ? undefined : text);
}
