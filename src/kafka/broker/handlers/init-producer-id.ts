import { ErrorCode } from '../../protocol/error-codes.js';
import type { Struct } from '../../protocol/schema.js';
import type { RequestContext } from '../context.js';

const MAX_EPOCH = 32767;

/**
 * InitProducerId: for idempotent producers a fresh producer id at epoch 0, or (v3+, KIP-360) the
 * same id at the next epoch when the producer asks to bump its own; for a transactional id, the
 * transaction coordinator's id at a new epoch, which fences older producers with that id.
 */
export async function handleInitProducerId(request: Struct, ctx: RequestContext): Promise<Struct> {
  if (request.transactionalId !== null) {
    return {
      throttleTimeMs: 0,
      ...(await ctx.broker.transactions.initProducerId(
        request.transactionalId as string,
        request.transactionTimeoutMs as number,
        request.producerId as number,
        request.producerEpoch as number,
      )),
    };
  }
  const producerId = request.producerId as number;
  const epoch = request.producerEpoch as number;
  if (producerId >= 0 && epoch >= 0 && epoch < MAX_EPOCH) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: epoch + 1 };
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    producerId: await ctx.broker.producers.allocateProducerId(),
    producerEpoch: 0,
  };
}
