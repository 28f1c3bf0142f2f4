import type { ApiSchema } from './messages.js';
import { array, field } from './schema.js';

/*
 * The classic consumer-group APIs, transcribed from Kafka's message definitions
 * (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
 * DescribeGroups, ListGroups {Request,Response}.json).
 */

const INT32_MIN = -2147483648;
const throttle = (from: string) => field('throttleTimeMs', 'int32', from);

export const FIND_COORDINATOR: ApiSchema = {
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  flexibleFrom: 3,
  request: [
    field('key', 'string', '0-3'),
    field('keyType', 'int8', '1+'),
    array('coordinatorKeys', 'string', '4+'),
  ],
  response: [
    throttle('1+'),
    field('errorCode', 'int16', '0-3'),
    field('errorMessage', 'string', '1-3', { nullable: '1-3' }),
    field('nodeId', 'int32', '0-3'),
    field('host', 'string', '0-3'),
    field('port', 'int32', '0-3'),
    array(
      'coordinators',
      [
        field('key', 'string', '4+'),
        field('nodeId', 'int32', '4+'),
        field('host', 'string', '4+'),
        field('port', 'int32', '4+'),
        field('errorCode', 'int16', '4+'),
        field('errorMessage', 'string', '4+', { nullable: '4+' }),
      ],
      '4+',
    ),
  ],
};

export const JOIN_GROUP: ApiSchema = {
  key: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  flexibleFrom: 6,
  request: [
    field('groupId', 'string', '0+'),
    field('sessionTimeoutMs', 'int32', '0+'),
    field('rebalanceTimeoutMs', 'int32', '1+', { default: -1 }),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '5+', { nullable: '5+' }),
    field('protocolType', 'string', '0+'),
    array('protocols', [field('name', 'string', '0+'), field('metadata', 'bytes', '0+')], '0+'),
    field('reason', 'string', '8+', { nullable: '8+' }),
  ],
  response: [
    throttle('2+'),
    field('errorCode', 'int16', '0+'),
    field('generationId', 'int32', '0+', { default: -1 }),
    field('protocolType', 'string', '7+', { nullable: '7+' }),
    field('protocolName', 'string', '0+', { nullable: '7+' }),
    field('leader', 'string', '0+'),
    field('skipAssignment', 'bool', '9+'),
    field('memberId', 'string', '0+'),
    array(
      'members',
      [
        field('memberId', 'string', '0+'),
        field('groupInstanceId', 'string', '5+', { nullable: '5+' }),
        field('metadata', 'bytes', '0+'),
      ],
      '0+',
    ),
  ],
};

export const HEARTBEAT: ApiSchema = {
  key: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 4,
  request: [
    field('groupId', 'string', '0+'),
    field('generationId', 'int32', '0+'),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+' }),
  ],
  response: [throttle('1+'), field('errorCode', 'int16', '0+')],
};

export const LEAVE_GROUP: ApiSchema = {
  key: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 4,
  request: [
    field('groupId', 'string', '0+'),
    field('memberId', 'string', '0-2'),
    array(
      'members',
      [
        field('memberId', 'string', '3+'),
        field('groupInstanceId', 'string', '3+', { nullable: '3+' }),
        field('reason', 'string', '5+', { nullable: '5+' }),
      ],
      '3+',
    ),
  ],
  response: [
    throttle('1+'),
    field('errorCode', 'int16', '0+'),
    array(
      'members',
      [
        field('memberId', 'string', '3+'),
        field('groupInstanceId', 'string', '3+', { nullable: '3+' }),
        field('errorCode', 'int16', '3+'),
      ],
      '3+',
    ),
  ],
};

export const SYNC_GROUP: ApiSchema = {
  key: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 4,
  request: [
    field('groupId', 'string', '0+'),
    field('generationId', 'int32', '0+'),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+' }),
    field('protocolType', 'string', '5+', { nullable: '5+', default: null }),
    field('protocolName', 'string', '5+', { nullable: '5+', default: null }),
    array('assignments', [field('memberId', 'string', '0+'), field('assignment', 'bytes', '0+')], '0+'),
  ],
  response: [
    throttle('1+'),
    field('errorCode', 'int16', '0+'),
    field('protocolType', 'string', '5+', { nullable: '5+' }),
    field('protocolName', 'string', '5+', { nullable: '5+' }),
    field('assignment', 'bytes', '0+'),
  ],
};

const offsetCommitPartitionRequest = [
  field('partitionIndex', 'int32', '0+'),
  field('committedOffset', 'int64', '0+'),
  field('committedLeaderEpoch', 'int32', '6+', { default: -1 }),
  field('commitTimestamp', 'int64', '1', { default: -1 }),
  field('committedMetadata', 'string', '0+', { nullable: '0+' }),
];

export const OFFSET_COMMIT: ApiSchema = {
  key: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 9,
  flexibleFrom: 8,
  request: [
    field('groupId', 'string', '0+'),
    field('generationIdOrMemberEpoch', 'int32', '1+', { default: -1 }),
    field('memberId', 'string', '1+'),
    field('groupInstanceId', 'string', '7+', { nullable: '7+' }),
    field('retentionTimeMs', 'int64', '2-4', { default: -1 }),
    array(
      'topics',
      [field('name', 'string', '0+'), array('partitions', offsetCommitPartitionRequest, '0+')],
      '0+',
    ),
  ],
  response: [
    throttle('3+'),
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

const offsetFetchPartition = [
  field('partitionIndex', 'int32', '0+'),
  field('committedOffset', 'int64', '0+'),
  field('committedLeaderEpoch', 'int32', '5+', { default: -1 }),
  field('metadata', 'string', '0+', { nullable: '0+' }),
  field('errorCode', 'int16', '0+'),
];

export const OFFSET_FETCH: ApiSchema = {
  key: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 9,
  flexibleFrom: 6,
  request: [
    field('groupId', 'string', '0-7'),
    array('topics', [field('name', 'string', '0-7'), array('partitionIndexes', 'int32', '0-7')], '0-7', {
      nullable: '2-7',
    }),
    array(
      'groups',
      [
        field('groupId', 'string', '8+'),
        field('memberId', 'string', '9+', { nullable: '9+' }),
        field('memberEpoch', 'int32', '9+', { default: -1 }),
        array('topics', [field('name', 'string', '8+'), array('partitionIndexes', 'int32', '8+')], '8+', {
          nullable: '8+',
        }),
      ],
      '8+',
    ),
    field('requireStable', 'bool', '7+'),
  ],
  response: [
    throttle('3+'),
    array(
      'topics',
      [field('name', 'string', '0-7'), array('partitions', offsetFetchPartition, '0-7')],
      '0-7',
    ),
    field('errorCode', 'int16', '2-7'),
    array(
      'groups',
      [
        field('groupId', 'string', '8+'),
        array(
          'topics',
          [field('name', 'string', '8+'), array('partitions', offsetFetchPartition, '8+')],
          '8+',
        ),
        field('errorCode', 'int16', '8+'),
      ],
      '8+',
    ),
  ],
};

export const DESCRIBE_GROUPS: ApiSchema = {
  key: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 5,
  request: [array('groups', 'string', '0+'), field('includeAuthorizedOperations', 'bool', '3+')],
  response: [
    throttle('1+'),
    array(
      'groups',
      [
        field('errorCode', 'int16', '0+'),
        field('groupId', 'string', '0+'),
        field('groupState', 'string', '0+'),
        field('protocolType', 'string', '0+'),
        field('protocolData', 'string', '0+'),
        array(
          'members',
          [
            field('memberId', 'string', '0+'),
            field('groupInstanceId', 'string', '4+', { nullable: '4+' }),
            field('clientId', 'string', '0+'),
            field('clientHost', 'string', '0+'),
            field('memberMetadata', 'bytes', '0+'),
            field('memberAssignment', 'bytes', '0+'),
          ],
          '0+',
        ),
        field('authorizedOperations', 'int32', '3+', { default: INT32_MIN }),
      ],
      '0+',
    ),
  ],
};

export const LIST_GROUPS: ApiSchema = {
  key: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 3,
  request: [array('statesFilter', 'string', '4+'), array('typesFilter', 'string', '5+')],
  response: [
    throttle('1+'),
    field('errorCode', 'int16', '0+'),
    array(
      'groups',
      [
        field('groupId', 'string', '0+'),
        field('protocolType', 'string', '0+'),
        field('groupState', 'string', '4+'),
        field('groupType', 'string', '5+'),
      ],
      '0+',
    ),
  ],
};

export const DELETE_GROUPS: ApiSchema = {
  key: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 2,
  request: [array('groupsNames', 'string', '0+')],
  response: [
    field('throttleTimeMs', 'int32', '0+'),
    array('results', [field('groupId', 'string', '0+'), field('errorCode', 'int16', '0+')], '0+'),
  ],
};

/** Never flexible (v0 only in Kafka 4.x). */
export const OFFSET_DELETE: ApiSchema = {
  key: 47,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  flexibleFrom: 32767,
  request: [
    field('groupId', 'string', '0+'),
    array(
      'topics',
      [field('name', 'string', '0+'), array('partitions', [field('partitionIndex', 'int32', '0+')], '0+')],
      '0+',
    ),
  ],
  response: [
    field('errorCode', 'int16', '0+'),
    field('throttleTimeMs', 'int32', '0+'),
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
