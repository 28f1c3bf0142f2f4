import type { ApiSchema } from './messages.js';
import { array, field } from './schema.js';

/* Configs and cluster description, from Kafka's DescribeConfigs, AlterConfigs, IncrementalAlterConfigs
 * and DescribeCluster {Request,Response}.json. */

const INT32_MIN = -2147483648;
const throttle = field('throttleTimeMs', 'int32', '0+');

export const DESCRIBE_CONFIGS: ApiSchema = {
  key: 32,
  name: 'DescribeConfigs',
  minVersion: 1,
  maxVersion: 4,
  flexibleFrom: 4,
  request: [
    array(
      'resources',
      [
        field('resourceType', 'int8', '0+'),
        field('resourceName', 'string', '0+'),
        array('configurationKeys', 'string', '0+', { nullable: '0+' }),
      ],
      '0+',
    ),
    field('includeSynonyms', 'bool', '1+'),
    field('includeDocumentation', 'bool', '3+'),
  ],
  response: [
    throttle,
    array(
      'results',
      [
        field('errorCode', 'int16', '0+'),
        field('errorMessage', 'string', '0+', { nullable: '0+' }),
        field('resourceType', 'int8', '0+'),
        field('resourceName', 'string', '0+'),
        array(
          'configs',
          [
            field('name', 'string', '0+'),
            field('value', 'string', '0+', { nullable: '0+' }),
            field('readOnly', 'bool', '0+'),
            field('isDefault', 'bool', '0'),
            field('configSource', 'int8', '1+', { default: -1 }),
            field('isSensitive', 'bool', '0+'),
            array(
              'synonyms',
              [
                field('name', 'string', '1+'),
                field('value', 'string', '1+', { nullable: '1+' }),
                field('source', 'int8', '1+'),
              ],
              '1+',
            ),
            field('configType', 'int8', '3+'),
            field('documentation', 'string', '3+', { nullable: '0+' }),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
  ],
};

const alterResponse = [
  throttle,
  array(
    'responses',
    [
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+' }),
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
    ],
    '0+',
  ),
];

export const ALTER_CONFIGS: ApiSchema = {
  key: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 2,
  request: [
    array(
      'resources',
      [
        field('resourceType', 'int8', '0+'),
        field('resourceName', 'string', '0+'),
        array(
          'configs',
          [field('name', 'string', '0+'), field('value', 'string', '0+', { nullable: '0+' })],
          '0+',
        ),
      ],
      '0+',
    ),
    field('validateOnly', 'bool', '0+'),
  ],
  response: alterResponse,
};

export const INCREMENTAL_ALTER_CONFIGS: ApiSchema = {
  key: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 1,
  request: [
    array(
      'resources',
      [
        field('resourceType', 'int8', '0+'),
        field('resourceName', 'string', '0+'),
        array(
          'configs',
          [
            field('name', 'string', '0+'),
            field('configOperation', 'int8', '0+'),
            field('value', 'string', '0+', { nullable: '0+' }),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
    field('validateOnly', 'bool', '0+'),
  ],
  response: alterResponse,
};

export const DESCRIBE_CLUSTER: ApiSchema = {
  key: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 0,
  request: [
    field('includeClusterAuthorizedOperations', 'bool', '0+'),
    field('endpointType', 'int8', '1+', { default: 1 }),
  ],
  response: [
    throttle,
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+' }),
    field('endpointType', 'int8', '1+', { default: 1 }),
    field('clusterId', 'string', '0+'),
    field('controllerId', 'int32', '0+', { default: -1 }),
    array(
      'brokers',
      [
        field('brokerId', 'int32', '0+'),
        field('host', 'string', '0+'),
        field('port', 'int32', '0+'),
        field('rack', 'string', '0+', { nullable: '0+' }),
      ],
      '0+',
    ),
    field('clusterAuthorizedOperations', 'int32', '0+', { default: INT32_MIN }),
  ],
};

/** Never flexible: any broker can read it before it knows the client. */
export const SASL_HANDSHAKE: ApiSchema = {
  key: 17,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 32767,
  request: [field('mechanism', 'string', '0+')],
  response: [field('errorCode', 'int16', '0+'), array('mechanisms', 'string', '0+')],
};

export const SASL_AUTHENTICATE: ApiSchema = {
  key: 36,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 2,
  request: [field('authBytes', 'bytes', '0+')],
  response: [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+' }),
    field('authBytes', 'bytes', '0+'),
    field('sessionLifetimeMs', 'int64', '1+'),
  ],
};

export const CREATE_PARTITIONS: ApiSchema = {
  key: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 2,
  request: [
    array(
      'topics',
      [
        field('name', 'string', '0+'),
        field('count', 'int32', '0+'),
        array('assignments', [array('brokerIds', 'int32', '0+')], '0+', { nullable: '0+' }),
      ],
      '0+',
    ),
    field('timeoutMs', 'int32', '0+'),
    field('validateOnly', 'bool', '0+'),
  ],
  response: [
    throttle,
    array(
      'results',
      [
        field('name', 'string', '0+'),
        field('errorCode', 'int16', '0+'),
        field('errorMessage', 'string', '0+', { nullable: '0+' }),
      ],
      '0+',
    ),
  ],
};

export const DELETE_RECORDS: ApiSchema = {
  key: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 2,
  request: [
    array(
      'topics',
      [
        field('name', 'string', '0+'),
        array('partitions', [field('partitionIndex', 'int32', '0+'), field('offset', 'int64', '0+')], '0+'),
      ],
      '0+',
    ),
    field('timeoutMs', 'int32', '0+'),
  ],
  response: [
    throttle,
    array(
      'topics',
      [
        field('name', 'string', '0+'),
        array(
          'partitions',
          [
            field('partitionIndex', 'int32', '0+'),
            field('lowWatermark', 'int64', '0+'),
            field('errorCode', 'int16', '0+'),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
  ],
};
