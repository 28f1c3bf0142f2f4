/**
 * A request whose bytes do not follow the protocol: truncated, a length past the end, a count no
 * frame could hold. The listener logs it and closes that one connection, as Kafka does.
 */
export class MalformedRequestError extends Error {
  override readonly name = 'MalformedRequestError';
}
