import type { ApiSchema } from './messages.js';
import { array, field } from './schema.js';

/*
 * The transaction coordinator's requests (KIP-98), from Kafka's message definitions
 * (clients/src/main/resources/common/message/<Name>{Request,Response}.json). The listener advertises
 * the classic protocol only: AddPartitionsToTxn v0-3 (v4+ is the broker-to-broker batched form),
 * EndTxn v0-3 (v5 is KIP-890's epoch bump on every commit, used only with transaction.version ≥ 2,
 * a feature the listener does not advertise).
 */

const throttle = field('throttleTimeMs', 'int32', '0+');

export const ADD_PARTITIONS_TO_TXN: ApiSchema = {
  key: 24,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 3,
  request: [
    field('transactionalId', 'string', '0-3'),
    field('producerId', 'int64', '0-3'),
    field('producerEpoch', 'int16', '0-3'),
    array('topics', [field('name', 'string', '0+'), array('partitions', 'int32', '0+')], '0-3'),
  ],
  response: [
    throttle,
    array(
      'results',
      [
        field('name', 'string', '0+'),
        array(
          'results',
          [field('partitionIndex', 'int32', '0+'), field('partitionErrorCode', 'int16', '0+')],
          '0+',
        ),
      ],
      '0-3',
    ),
  ],
};

export const ADD_OFFSETS_TO_TXN: ApiSchema = {
  key: 25,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 3,
  request: [
    field('transactionalId', 'string', '0+'),
    field('producerId', 'int64', '0+'),
    field('producerEpoch', 'int16', '0+'),
    field('groupId', 'string', '0+'),
  ],
  response: [throttle, field('errorCode', 'int16', '0+')],
};

export const END_TXN: ApiSchema = {
  key: 26,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 3,
  request: [
    field('transactionalId', 'string', '0+'),
    field('producerId', 'int64', '0+'),
    field('producerEpoch', 'int16', '0+'),
    field('committed', 'bool', '0+'),
  ],
  response: [throttle, field('errorCode', 'int16', '0+')],
};

export const TXN_OFFSET_COMMIT: ApiSchema = {
  key: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 3,
  request: [
    field('transactionalId', 'string', '0+'),
    field('groupId', 'string', '0+'),
    field('producerId', 'int64', '0+'),
    field('producerEpoch', 'int16', '0+'),
    field('generationId', 'int32', '3+', { default: -1 }),
    field('memberId', 'string', '3+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+' }),
    array(
      'topics',
      [
        field('name', 'string', '0+'),
        array(
          'partitions',
          [
            field('partitionIndex', 'int32', '0+'),
            field('committedOffset', 'int64', '0+'),
            field('committedLeaderEpoch', 'int32', '2+', { default: -1 }),
            field('committedMetadata', 'string', '0+', { nullable: '0+' }),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
  ],
  response: [
    throttle,
    array(
      'topics',
      [
        field('name', 'string', '0+'),
        array(
          'partitions',
          [field('partitionIndex', 'int32', '0+'), field('errorCode', 'int16', '0+')],
          '0+',
        ),
      ],
      '0+',
    ),
  ],
};

export const DESCRIBE_TRANSACTIONS: ApiSchema = {
  key: 65,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,
  flexibleFrom: 0,
  request: [array('transactionalIds', 'string', '0+')],
  response: [
    throttle,
    array(
      'transactionStates',
      [
        field('errorCode', 'int16', '0+'),
        field('transactionalId', 'string', '0+'),
        field('transactionState', 'string', '0+'),
        field('transactionTimeoutMs', 'int32', '0+'),
        field('transactionStartTimeMs', 'int64', '0+'),
        field('producerId', 'int64', '0+'),
        field('producerEpoch', 'int16', '0+'),
        array(
          'topicPartitions',
          [field('name', 'string', '0+'), array('partitionIndexes', 'int32', '0+')],
          '0+',
        ),
      ],
      '0+',
    ),
  ],
};

export const LIST_TRANSACTIONS: ApiSchema = {
  key: 66,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 0,
  request: [
    array('stateFilters', 'string', '0+'),
    array('producerIdFilters', 'int64', '0+'),
    field('durationFilter', 'int64', '1+', { default: -1 }),
  ],
  response: [
    throttle,
    field('errorCode', 'int16', '0+'),
    array('unknownStateFilters', 'string', '0+'),
    array(
      'transactionStates',
      [
        field('transactionalId', 'string', '0+'),
        field('producerId', 'int64', '0+'),
        field('transactionState', 'string', '0+'),
      ],
      '0+',
    ),
  ],
};
