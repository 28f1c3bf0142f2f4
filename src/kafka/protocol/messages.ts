import { array, type Field, field } from './schema.js';

/*
 * The requests and responses the listener speaks, transcribed from Kafka's message definitions
 * (apache/kafka clients/src/main/resources/common/message/<Name>{Request,Response}.json). Only the
 * versions the listener advertises matter: a field that exists only in older or newer versions is
 * still listed when it keeps the table true to Kafka, and absent fields read as their defaults.
 * Tagged fields the listener never reads or writes are left out (unknown tags are skipped).
 */

export interface ApiSchema {
  readonly key: number;
  readonly name: string;
  /** The versions the listener advertises and decodes. */
  readonly minVersion: number;
  readonly maxVersion: number;
  /** The first flexible version (compact encodings, tagged fields, request header v2). */
  readonly flexibleFrom: number;
  readonly request: readonly Field[];
  readonly response: readonly Field[];
}

const INT32_MIN = -2147483648;

const throttle = (from: string) => field('throttleTimeMs', 'int32', from);

export const API_VERSIONS: ApiSchema = {
  key: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 3,
  request: [field('clientSoftwareName', 'string', '3+'), field('clientSoftwareVersion', 'string', '3+')],
  response: [
    field('errorCode', 'int16', '0+'),
    array(
      'apiKeys',
      [
        field('apiKey', 'int16', '0+'),
        field('minVersion', 'int16', '0+'),
        field('maxVersion', 'int16', '0+'),
      ],
      '0+',
    ),
    throttle('1+'),
  ],
};

export const METADATA: ApiSchema = {
  key: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  flexibleFrom: 9,
  request: [
    array(
      'topics',
      [field('topicId', 'uuid', '10+'), field('name', 'string', '0+', { nullable: '10+' })],
      '0+',
      {
        nullable: '1+',
      },
    ),
    field('allowAutoTopicCreation', 'bool', '4+', { default: true }),
    field('includeClusterAuthorizedOperations', 'bool', '8-10'),
    field('includeTopicAuthorizedOperations', 'bool', '8+'),
  ],
  response: [
    throttle('3+'),
    array(
      'brokers',
      [
        field('nodeId', 'int32', '0+'),
        field('host', 'string', '0+'),
        field('port', 'int32', '0+'),
        field('rack', 'string', '1+', { nullable: '1+' }),
      ],
      '0+',
    ),
    field('clusterId', 'string', '2+', { nullable: '2+' }),
    field('controllerId', 'int32', '1+', { default: -1 }),
    array(
      'topics',
      [
        field('errorCode', 'int16', '0+'),
        field('name', 'string', '0+', { nullable: '12+' }),
        field('topicId', 'uuid', '10+'),
        field('isInternal', 'bool', '1+'),
        array(
          'partitions',
          [
            field('errorCode', 'int16', '0+'),
            field('partitionIndex', 'int32', '0+'),
            field('leaderId', 'int32', '0+'),
            field('leaderEpoch', 'int32', '7+', { default: -1 }),
            array('replicaNodes', 'int32', '0+'),
            array('isrNodes', 'int32', '0+'),
            array('offlineReplicas', 'int32', '5+'),
          ],
          '0+',
        ),
        field('topicAuthorizedOperations', 'int32', '8+', { default: INT32_MIN }),
      ],
      '0+',
    ),
    field('clusterAuthorizedOperations', 'int32', '8-10', { default: INT32_MIN }),
  ],
};

/** Produce v0-2 (message formats 0 and 1) are advertised but refused, as Kafka 4 does (see PRODUCE_MIN_DECODED). */
export const PRODUCE: ApiSchema = {
  key: 0,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 11,
  flexibleFrom: 9,
  request: [
    field('transactionalId', 'string', '3+', { nullable: '0+' }),
    field('acks', 'int16', '0+'),
    field('timeoutMs', 'int32', '0+'),
    array(
      'topicData',
      [
        field('name', 'string', '0+'),
        array(
          'partitionData',
          [field('index', 'int32', '0+'), field('records', 'records', '0+', { nullable: '0+' })],
          '0+',
        ),
      ],
      '0+',
    ),
  ],
  response: [
    array(
      'responses',
      [
        field('name', 'string', '0+'),
        array(
          'partitionResponses',
          [
            field('index', 'int32', '0+'),
            field('errorCode', 'int16', '0+'),
            field('baseOffset', 'int64', '0+'),
            field('logAppendTimeMs', 'int64', '2+', { default: -1 }),
            field('logStartOffset', 'int64', '5+', { default: -1 }),
            array(
              'recordErrors',
              [
                field('batchIndex', 'int32', '8+'),
                field('batchIndexErrorMessage', 'string', '8+', { nullable: '8+' }),
              ],
              '8+',
            ),
            field('errorMessage', 'string', '8+', { nullable: '8+' }),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
    throttle('1+'),
  ],
};
export const PRODUCE_MIN_DECODED = 3;

export const FETCH: ApiSchema = {
  key: 1,
  name: 'Fetch',
  minVersion: 4,
  // v13+ name topics by id; v15-18 add only tagged fields a consumer never sends (replica state,
  // directory id, high watermark), which the decoder skips.
  maxVersion: 18,
  flexibleFrom: 12,
  request: [
    field('clusterId', 'string', '12+', { nullable: '12+', tag: 0 }),
    field('replicaId', 'int32', '0-14', { default: -1 }),
    field('maxWaitMs', 'int32', '0+'),
    field('minBytes', 'int32', '0+'),
    field('maxBytes', 'int32', '3+', { default: 0x7fffffff }),
    field('isolationLevel', 'int8', '4+'),
    field('sessionId', 'int32', '7+'),
    field('sessionEpoch', 'int32', '7+', { default: -1 }),
    array(
      'topics',
      [
        field('topic', 'string', '0-12'),
        field('topicId', 'uuid', '13+'),
        array(
          'partitions',
          [
            field('partition', 'int32', '0+'),
            field('currentLeaderEpoch', 'int32', '9+', { default: -1 }),
            field('fetchOffset', 'int64', '0+'),
            field('lastFetchedEpoch', 'int32', '12+', { default: -1 }),
            field('logStartOffset', 'int64', '5+', { default: -1 }),
            field('partitionMaxBytes', 'int32', '0+'),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
    array(
      'forgottenTopicsData',
      [field('topic', 'string', '7-12'), field('topicId', 'uuid', '13+'), array('partitions', 'int32', '7+')],
      '7+',
    ),
    field('rackId', 'string', '11+'),
  ],
  response: [
    throttle('1+'),
    field('errorCode', 'int16', '7+'),
    field('sessionId', 'int32', '7+'),
    array(
      'responses',
      [
        field('topic', 'string', '0-12'),
        field('topicId', 'uuid', '13+'),
        array(
          'partitions',
          [
            field('partitionIndex', 'int32', '0+'),
            field('errorCode', 'int16', '0+'),
            field('highWatermark', 'int64', '0+'),
            field('lastStableOffset', 'int64', '4+', { default: -1 }),
            field('logStartOffset', 'int64', '5+', { default: -1 }),
            array(
              'abortedTransactions',
              [field('producerId', 'int64', '4+'), field('firstOffset', 'int64', '4+')],
              '4+',
              {
                nullable: '4+',
              },
            ),
            field('preferredReadReplica', 'int32', '11+', { default: -1 }),
            field('records', 'records', '0+', { nullable: '0+' }),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
  ],
};

export const LIST_OFFSETS: ApiSchema = {
  key: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 7,
  flexibleFrom: 6,
  request: [
    field('replicaId', 'int32', '0+'),
    field('isolationLevel', 'int8', '2+'),
    array(
      'topics',
      [
        field('name', 'string', '0+'),
        array(
          'partitions',
          [
            field('partitionIndex', 'int32', '0+'),
            field('currentLeaderEpoch', 'int32', '4+', { default: -1 }),
            field('timestamp', 'int64', '0+'),
            field('maxNumOffsets', 'int32', '0', { default: 1 }),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
  ],
  response: [
    throttle('2+'),
    array(
      'topics',
      [
        field('name', 'string', '0+'),
        array(
          'partitions',
          [
            field('partitionIndex', 'int32', '0+'),
            field('errorCode', 'int16', '0+'),
            array('oldStyleOffsets', 'int64', '0'),
            field('timestamp', 'int64', '1+', { default: -1 }),
            field('offset', 'int64', '1+', { default: -1 }),
            field('leaderEpoch', 'int32', '4+', { default: -1 }),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
  ],
};

const creatableConfig = [field('name', 'string', '0+'), field('value', 'string', '0+', { nullable: '0+' })];

export const CREATE_TOPICS: ApiSchema = {
  key: 19,
  name: 'CreateTopics',
  minVersion: 2,
  maxVersion: 7,
  flexibleFrom: 5,
  request: [
    array(
      'topics',
      [
        field('name', 'string', '0+'),
        field('numPartitions', 'int32', '0+'),
        field('replicationFactor', 'int16', '0+'),
        array(
          'assignments',
          [field('partitionIndex', 'int32', '0+'), array('brokerIds', 'int32', '0+')],
          '0+',
        ),
        array('configs', creatableConfig, '0+'),
      ],
      '0+',
    ),
    field('timeoutMs', 'int32', '0+'),
    field('validateOnly', 'bool', '1+'),
  ],
  response: [
    throttle('2+'),
    array(
      'topics',
      [
        field('name', 'string', '0+'),
        field('topicId', 'uuid', '7+'),
        field('errorCode', 'int16', '0+'),
        field('errorMessage', 'string', '1+', { nullable: '0+' }),
        field('topicConfigErrorCode', 'int16', '5+', { tag: 0 }),
        field('numPartitions', 'int32', '5+', { default: -1 }),
        field('replicationFactor', 'int16', '5+', { default: -1 }),
        array(
          'configs',
          [
            field('name', 'string', '5+'),
            field('value', 'string', '5+', { nullable: '5+' }),
            field('readOnly', 'bool', '5+'),
            field('configSource', 'int8', '5+', { default: -1 }),
            field('isSensitive', 'bool', '5+'),
          ],
          '5+',
          { nullable: '5+' },
        ),
      ],
      '0+',
    ),
  ],
};

export const DELETE_TOPICS: ApiSchema = {
  key: 20,
  name: 'DeleteTopics',
  minVersion: 1,
  maxVersion: 6,
  flexibleFrom: 4,
  request: [
    array(
      'topics',
      [field('name', 'string', '6+', { nullable: '6+' }), field('topicId', 'uuid', '6+')],
      '6+',
    ),
    array('topicNames', 'string', '0-5'),
    field('timeoutMs', 'int32', '0+'),
  ],
  response: [
    throttle('1+'),
    array(
      'responses',
      [
        field('name', 'string', '0+', { nullable: '6+' }),
        field('topicId', 'uuid', '6+'),
        field('errorCode', 'int16', '0+'),
        field('errorMessage', 'string', '5+', { nullable: '5+' }),
      ],
      '0+',
    ),
  ],
};

export const INIT_PRODUCER_ID: ApiSchema = {
  key: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 2,
  request: [
    field('transactionalId', 'string', '0+', { nullable: '0+' }),
    field('transactionTimeoutMs', 'int32', '0+'),
    field('producerId', 'int64', '3+', { default: -1 }),
    field('producerEpoch', 'int16', '3+', { default: -1 }),
  ],
  response: [
    throttle('0+'),
    field('errorCode', 'int16', '0+'),
    field('producerId', 'int64', '0+', { default: -1 }),
    field('producerEpoch', 'int16', '0+'),
  ],
};
