import { ErrorCode } from '../../protocol/error-codes.js';
import type { Struct } from '../../protocol/schema.js';
import type { RequestContext } from '../context.js';

const MAX_EPOCH = 32767;

/**
 * InitProducerId for idempotent producers: a fresh producer id at epoch 0, or (v3+, KIP-360) the
 * same id at the next epoch when the producer asks to bump its own. Transactional ids are refused:
 * transactions over the Kafka protocol are not served yet.
 */
export async function handleInitProducerId(request: Struct, ctx: RequestContext): Promise<Struct> {
  if (request.transactionalId !== null) {
    ctx.broker.writeLine(
      `Kafka listener: refused InitProducerId for transactional.id '${request.transactionalId as string}' from ${ctx.clientId}: transactions are not served over the Kafka protocol yet`,
    );
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      producerId: -1,
      producerEpoch: -1,
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
