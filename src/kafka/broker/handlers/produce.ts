import type { LogTransaction, ProduceRecord } from '../../../log/index.js';
import { ErrorCode, type ErrorCodeValue } from '../../protocol/error-codes.js';
import type { Struct } from '../../protocol/schema.js';
import { decompress } from '../../records/compression.js';
import { BatchError, type BatchHeader, decodeRecords, readBatchHeaders } from '../../records/record-batch.js';
import type { RequestContext } from '../context.js';
import { kafkaErrorOf } from '../log-errors.js';
import { MAX_TRANSACTION_BYTES } from '../transaction-coordinator.js';

interface PartitionData {
  readonly index: number;
  readonly records: Buffer | null;
}
interface TopicData {
  readonly name: string;
  readonly partitionData: readonly PartitionData[];
}

interface PartitionResult {
  index: number;
  errorCode: ErrorCodeValue;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
  recordErrors: Struct[];
  errorMessage: string | null;
}

function failed(index: number, code: ErrorCodeValue, message: string | null): PartitionResult {
  return {
    index,
    errorCode: code,
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: -1,
    recordErrors: [],
    errorMessage: message,
  };
}

/**
 * Produce: each partition's batch is checked (CRC-32C, layout, idempotent sequence) and stored as
 * received where the log can keep Kafka batches (`Log.appendKafkaBatch`, which checks every record);
 * otherwise decompressed and appended record by record with timestamps, keys, values and headers. With acks=0 the
 * client gets no response, as Kafka does; acks=1 and acks=all both answer once the log has the
 * records durably under its durability setting (one node: the leader is the whole ISR).
 */
export async function handleProduce(request: Struct, ctx: RequestContext): Promise<Struct | undefined> {
  const acks = request.acks as number;
  const topics = request.topicData as TopicData[];
  const responses: Struct[] = [];
  const transactionalId = request.transactionalId as string | null;
  if (transactionalId !== null && acks !== -1) {
    for (const t of topics) {
      responses.push({
        name: t.name,
        partitionResponses: t.partitionData.map((p) =>
          failed(
            p.index,
            ErrorCode.INVALID_REQUIRED_ACKS,
            `a transactional producer must use acks=all (-1), not ${acks}`,
          ),
        ),
      });
    }
  } else if (acks !== 0 && acks !== 1 && acks !== -1) {
    for (const t of topics) {
      responses.push({
        name: t.name,
        partitionResponses: t.partitionData.map((p) =>
          failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks=${acks}: use 0, 1 or -1 (all)`),
        ),
      });
    }
  } else {
    const work: Promise<Struct>[] = topics.map(async (t) => ({
      name: t.name,
      partitionResponses: await Promise.all(
        t.partitionData.map((p) => producePartition(ctx, t.name, p, transactionalId)),
      ),
    }));
    responses.push(...(await Promise.all(work)));
  }
  if (acks === 0) {
    for (const r of responses) {
      for (const p of r.partitionResponses as PartitionResult[]) {
        if (p.errorCode !== ErrorCode.NONE) {
          ctx.broker.writeLine(
            `Kafka listener: an acks=0 produce from ${ctx.clientId} to ${r.name as string}-${p.index} failed: ${p.errorMessage ?? p.errorCode}`,
          );
        }
      }
    }
    return undefined;
  }
  return { responses, throttleTimeMs: 0 };
}

async function producePartition(
  ctx: RequestContext,
  topic: string,
  data: PartitionData,
  transactionalId: string | null,
): Promise<PartitionResult> {
  const { log, internalTopics, producers } = ctx.broker;
  const role = internalTopics.roleOf(topic);
  if (role !== undefined) {
    return failed(
      data.index,
      ErrorCode.TOPIC_AUTHORIZATION_FAILED,
      `Topic '${topic}' is ${role}: Sluice refuses to write to it from outside.`,
    );
  }
  let count: number;
  let maxMessageBytes: number;
  try {
    const described = await log.describeTopic(topic);
    count = described.partitions.length;
    maxMessageBytes = Number(described.config['max.message.bytes'] ?? 1048588);
  } catch (err) {
    return failed(data.index, kafkaErrorOf(err).code, kafkaErrorOf(err).message);
  }
  if (data.index < 0 || data.index >= count) {
    return failed(
      data.index,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      `topic '${topic}' has ${count} partitions`,
    );
  }
  if (data.records === null || data.records.length === 0) {
    return failed(data.index, ErrorCode.INVALID_RECORD, 'no records');
  }
  if (data.records.length > maxMessageBytes) {
    return failed(
      data.index,
      ErrorCode.MESSAGE_TOO_LARGE,
      `a batch of ${data.records.length} bytes is larger than the topic's max.message.bytes (${maxMessageBytes})`,
    );
  }
  try {
    const headers = readBatchHeaders(data.records);
    if (headers.length !== 1) {
      throw new BatchError(
        ErrorCode.INVALID_RECORD,
        `${headers.length} batches in one partition: send exactly one`,
      );
    }
    const batch = headers[0];
    if (batch.control)
      throw new BatchError(ErrorCode.INVALID_RECORD, 'clients may not write control batches');
    if (batch.transactional !== (transactionalId !== null)) {
      throw new BatchError(
        ErrorCode.INVALID_RECORD,
        batch.transactional
          ? "a transactional batch needs its producer's transactional.id in the produce request"
          : `a produce request with transactional.id '${transactionalId}' must carry transactional batches`,
      );
    }
    if (batch.lastOffsetDelta + 1 !== batch.recordsCount) {
      throw new BatchError(
        ErrorCode.INVALID_RECORD,
        `lastOffsetDelta ${batch.lastOffsetDelta} does not match ${batch.recordsCount} records`,
      );
    }
    const idempotent = batch.producerId >= 0;
    // A transactional batch joins the producer's ongoing transaction: held there until EndTxn.
    const joinTransaction = (): { tx: LogTransaction } | PartitionResult => {
      const joined = ctx.broker.transactions.transactionForProduce(
        transactionalId as string,
        batch.producerId,
        batch.producerEpoch,
        topic,
        data.index,
      );
      return 'error' in joined ? failed(data.index, joined.error, joined.message) : joined;
    };
    if (transactionalId !== null) {
      const joined = joinTransaction();
      if (!('tx' in joined)) return joined;
    }
    if (idempotent) {
      if (batch.baseSequence < 0) {
        throw new BatchError(ErrorCode.INVALID_RECORD, `producer ${batch.producerId} sent no base sequence`);
      }
      const check = producers.check(
        topic,
        data.index,
        batch.producerId,
        batch.producerEpoch,
        batch.baseSequence,
        batch.recordsCount,
      );
      if (check.kind === 'error') return failed(data.index, check.code, check.message);
      if (check.kind === 'duplicate') {
        return { ...failed(data.index, ErrorCode.NONE, null), baseOffset: check.baseOffset };
      }
    }
    // Stored as received where the log can keep Kafka batches (the embedded log): fetches then send
    // the producer's bytes back unchanged. A batch that asks for LogAppendTime is decoded instead, and
    // so is a transactional one, whose records the transaction holds until it commits.
    const appendAsReceived =
      batch.timestampType === 0 && transactionalId === null ? log.appendKafkaBatch?.bind(log) : undefined;
    const logAppendTime = batch.timestampType === 1 ? Date.now() : undefined;
    const records: ProduceRecord[] = [];
    if (appendAsReceived === undefined) {
      const plain = await decompress(batch.compression, batch.payload, ctx.broker.maxBatchBytes);
      for (const r of decodeRecords(batch, plain)) {
        records.push({
          partition: data.index,
          key: r.key,
          value: r.value,
          timestamp: logAppendTime ?? r.timestamp,
          headers: r.headers,
        });
      }
    }
    // Checked again after the decompression's await: a retry racing its original must not append twice.
    if (idempotent) {
      const again = producers.check(
        topic,
        data.index,
        batch.producerId,
        batch.producerEpoch,
        batch.baseSequence,
        batch.recordsCount,
      );
      if (again.kind === 'duplicate')
        return { ...failed(data.index, ErrorCode.NONE, null), baseOffset: again.baseOffset };
      if (again.kind === 'error') return failed(data.index, again.code, again.message);
    }
    if (transactionalId !== null)
      return appendToTransaction(ctx, topic, data.index, batch, records, joinTransaction());
    let baseOffset: number;
    if (appendAsReceived !== undefined) baseOffset = await appendAsReceived(topic, data.index, data.records);
    else {
      const positions = await log.append(topic, records);
      baseOffset = positions.length > 0 ? positions[0].offset : -1;
    }
    if (idempotent) {
      await producers.appended(
        topic,
        data.index,
        batch.producerId,
        batch.producerEpoch,
        batch.baseSequence,
        batch.recordsCount,
        baseOffset,
      );
    }
    return {
      ...failed(data.index, ErrorCode.NONE, null),
      baseOffset,
      logAppendTimeMs: logAppendTime ?? -1,
      logStartOffset: await log.beginningOffset(topic, data.index),
    };
  } catch (err) {
    if (err instanceof BatchError) return failed(data.index, err.code, err.message);
    const e = kafkaErrorOf(err);
    const result = failed(data.index, e.code, e.message);
    const recordIndex = (err as { recordIndex?: number }).recordIndex;
    if (recordIndex !== undefined)
      result.recordErrors = [{ batchIndex: recordIndex, batchIndexErrorMessage: e.message }];
    return result;
  }
}

/**
 * Adds a transactional batch's records to the producer's transaction (checked again after the
 * decompression's await: an abort or a fence may have come meanwhile). Nothing is in the partition
 * until EndTxn commits, so the answer has no offset (-1), as for acks=0.
 */
async function appendToTransaction(
  ctx: RequestContext,
  topic: string,
  partition: number,
  batch: BatchHeader,
  records: readonly ProduceRecord[],
  joined: { tx: LogTransaction } | PartitionResult,
): Promise<PartitionResult> {
  if (!('tx' in joined)) return joined;
  const { tx } = joined;
  let bytes = 0;
  for (const r of records) bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
  if (tx.bytes + bytes > MAX_TRANSACTION_BYTES) {
    return failed(
      partition,
      ErrorCode.MESSAGE_TOO_LARGE,
      `transaction '${tx.transactionalId}' would hold more than ${MAX_TRANSACTION_BYTES} bytes of keys and values: the embedded log keeps a transaction in memory until it commits, so commit smaller transactions`,
    );
  }
  tx.append(topic, records);
  await ctx.broker.producers.appended(
    topic,
    partition,
    batch.producerId,
    batch.producerEpoch,
    batch.baseSequence,
    batch.recordsCount,
    -1,
  );
  return {
    ...failed(partition, ErrorCode.NONE, null),
    logStartOffset: await ctx.broker.log.beginningOffset(topic, partition),
  };
}
