// Consistency tokens of table pull queries (ksqlDB's ConsistencyOffsetVector, KLIP-53's monotonic
// reads): with ksql.query.pull.consistency.token.enabled, a client sends the token of its last answer
// (request property request.ksql.query.pull.consistency.token, "" the first time) and gets a new one
// after the rows. A token is base64 of JSON {"version":0,"offsetVector":{topic:{partition:offset}}},
// each offset that of the last source record the table's state reflected. A query is answered only
// once the table's state has reached the offsets of the token sent, so reads never go back in time.

import type { TopicPartitionOffset } from '../log/index.js';
import { StatementError } from './errors.js';

/** The request property (ksqlDB's KsqlRequestConfig) that carries the client's token. */
export const CONSISTENCY_TOKEN_REQUEST_PROPERTY = 'request.ksql.query.pull.consistency.token';

/** Topic → partition → offset of the last record reflected. */
export type ConsistencyVector = Map<string, Map<number, number>>;

/** The vector of a token; "" (a client's first query) is the empty vector. */
export function decodeConsistencyToken(token: string): ConsistencyVector {
  const vector: ConsistencyVector = new Map();
  if (token === '') return vector;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const offsets = (parsed as { offsetVector?: unknown } | undefined)?.offsetVector;
  if (typeof offsets !== 'object' || offsets === null || Array.isArray(offsets))
    throw new StatementError(
      `Couldn't decode consistency token: ${CONSISTENCY_TOKEN_REQUEST_PROPERTY} must be "" or a token from an earlier answer's consistencyToken row.`,
    );
  for (const [topic, partitions] of Object.entries(offsets as Record<string, unknown>)) {
    const byPartition = new Map<number, number>();
    for (const [partition, offset] of Object.entries((partitions ?? {}) as Record<string, unknown>)) {
      if (!/^\d+$/.test(partition) || typeof offset !== 'number' || !Number.isSafeInteger(offset))
        throw new StatementError(
          `Couldn't decode consistency token: partition ${partition} of topic ${topic} has no whole-number offset.`,
        );
      byPartition.set(Number(partition), offset);
    }
    vector.set(topic, byPartition);
  }
  return vector;
}

export function encodeConsistencyToken(vector: ConsistencyVector): string {
  const offsetVector: Record<string, Record<string, number>> = {};
  for (const [topic, partitions] of vector) offsetVector[topic] = Object.fromEntries(partitions);
  return Buffer.from(JSON.stringify({ version: 0, offsetVector })).toString('base64');
}

/**
 * The token of an answer read from a table whose query has processed up to `processed` (next offsets):
 * the client's vector, raised to the last offset processed of each partition the query read. Refuses
 * when the state has not reached an offset of the client's vector yet: the client retries.
 */
export function answerToken(
  tableName: string,
  sent: ConsistencyVector,
  /** The topics the table's query reads. */
  topics: readonly string[],
  processed: readonly TopicPartitionOffset[],
): string {
  const notYet = (topic: string, partition: number, asked: number, reflects: string) =>
    new StatementError(
      `The state of table \`${tableName}\` has not reached offset ${asked} of ${topic} partition ${partition} (the consistency token's) yet: it reflects ${reflects}. Retry the query.`,
    );
  for (const topic of topics)
    for (const [partition, asked] of sent.get(topic) ?? [])
      if (!processed.some((p) => p.topic === topic && p.partition === partition))
        throw notYet(topic, partition, asked, 'no offset of that partition');
  const merged: ConsistencyVector = new Map([...sent].map(([t, p]) => [t, new Map(p)]));
  for (const { topic, partition, offset: next } of processed) {
    const asked = sent.get(topic)?.get(partition);
    if (asked !== undefined && next - 1 < asked)
      throw notYet(topic, partition, asked, `offsets before ${next}`);
    if (next === 0) continue;
    const partitions = merged.get(topic) ?? new Map<number, number>();
    merged.set(topic, partitions);
    partitions.set(partition, Math.max(partitions.get(partition) ?? -1, next - 1));
  }
  return encodeConsistencyToken(merged);
}
