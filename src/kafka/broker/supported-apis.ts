import {
  ALTER_CONFIGS,
  CREATE_PARTITIONS,
  DELETE_RECORDS,
  DESCRIBE_CLUSTER,
  DESCRIBE_CONFIGS,
  INCREMENTAL_ALTER_CONFIGS,
  SASL_AUTHENTICATE,
  SASL_HANDSHAKE,
} from '../protocol/admin-messages.js';
import {
  DELETE_GROUPS,
  DESCRIBE_GROUPS,
  FIND_COORDINATOR,
  HEARTBEAT,
  JOIN_GROUP,
  LEAVE_GROUP,
  LIST_GROUPS,
  OFFSET_COMMIT,
  OFFSET_DELETE,
  OFFSET_FETCH,
  SYNC_GROUP,
} from '../protocol/group-messages.js';
import {
  API_VERSIONS,
  type ApiSchema,
  CREATE_TOPICS,
  DELETE_TOPICS,
  FETCH,
  INIT_PRODUCER_ID,
  LIST_OFFSETS,
  METADATA,
  PRODUCE,
} from '../protocol/messages.js';
import type { Struct } from '../protocol/schema.js';
import {
  ADD_OFFSETS_TO_TXN,
  ADD_PARTITIONS_TO_TXN,
  DESCRIBE_TRANSACTIONS,
  END_TXN,
  LIST_TRANSACTIONS,
  TXN_OFFSET_COMMIT,
} from '../protocol/transaction-messages.js';
import type { Handler } from './context.js';
import { handleApiVersions } from './handlers/api-versions.js';
import {
  handleAlterConfigs,
  handleDescribeCluster,
  handleDescribeConfigs,
  handleIncrementalAlterConfigs,
} from './handlers/configs.js';
import { handleFetch } from './handlers/fetch.js';
import {
  handleDeleteGroups,
  handleDescribeGroups,
  handleFindCoordinator,
  handleHeartbeat,
  handleJoinGroup,
  handleLeaveGroup,
  handleListGroups,
  handleOffsetCommit,
  handleOffsetDelete,
  handleOffsetFetch,
  handleSyncGroup,
} from './handlers/groups.js';
import { handleInitProducerId } from './handlers/init-producer-id.js';
import { handleListOffsets } from './handlers/list-offsets.js';
import { handleMetadata } from './handlers/metadata.js';
import { handleCreatePartitions, handleDeleteRecords } from './handlers/partitions.js';
import { handleProduce } from './handlers/produce.js';
import { handleSaslAuthenticate, handleSaslHandshake } from './handlers/sasl.js';
import { handleCreateTopics, handleDeleteTopics } from './handlers/topics.js';
import {
  handleAddOffsetsToTxn,
  handleAddPartitionsToTxn,
  handleDescribeTransactions,
  handleEndTxn,
  handleListTransactions,
  handleTxnOffsetCommit,
} from './handlers/transactions.js';

export interface SupportedApi {
  readonly schema: ApiSchema;
  readonly handle: Handler;
}

/** Every API the listener answers, by key. An API not here is not advertised, and a request for it closes the connection. */
export const SUPPORTED_APIS: ReadonlyMap<number, SupportedApi> = new Map(
  (
    [
      [API_VERSIONS, handleApiVersions],
      [METADATA, handleMetadata],
      [PRODUCE, handleProduce],
      [FETCH, handleFetch],
      [LIST_OFFSETS, handleListOffsets],
      [CREATE_TOPICS, handleCreateTopics],
      [DELETE_TOPICS, handleDeleteTopics],
      [CREATE_PARTITIONS, handleCreatePartitions],
      [DELETE_RECORDS, handleDeleteRecords],
      [INIT_PRODUCER_ID, handleInitProducerId],
      [ADD_PARTITIONS_TO_TXN, handleAddPartitionsToTxn],
      [ADD_OFFSETS_TO_TXN, handleAddOffsetsToTxn],
      [TXN_OFFSET_COMMIT, handleTxnOffsetCommit],
      [END_TXN, handleEndTxn],
      [DESCRIBE_TRANSACTIONS, handleDescribeTransactions],
      [LIST_TRANSACTIONS, handleListTransactions],
      [FIND_COORDINATOR, handleFindCoordinator],
      [JOIN_GROUP, handleJoinGroup],
      [SYNC_GROUP, handleSyncGroup],
      [HEARTBEAT, handleHeartbeat],
      [LEAVE_GROUP, handleLeaveGroup],
      [OFFSET_COMMIT, handleOffsetCommit],
      [OFFSET_FETCH, handleOffsetFetch],
      [DESCRIBE_GROUPS, handleDescribeGroups],
      [LIST_GROUPS, handleListGroups],
      [DELETE_GROUPS, handleDeleteGroups],
      [OFFSET_DELETE, handleOffsetDelete],
      [DESCRIBE_CONFIGS, handleDescribeConfigs],
      [ALTER_CONFIGS, handleAlterConfigs],
      [INCREMENTAL_ALTER_CONFIGS, handleIncrementalAlterConfigs],
      [DESCRIBE_CLUSTER, handleDescribeCluster],
      [SASL_HANDSHAKE, handleSaslHandshake],
      [SASL_AUTHENTICATE, handleSaslAuthenticate],
    ] as const
  ).map(([schema, handle]) => [schema.key, { schema, handle }]),
);

/** The transaction coordinator's APIs: advertised only when the log can hold transactions. */
const TRANSACTION_APIS: ReadonlySet<number> = new Set(
  [
    ADD_PARTITIONS_TO_TXN,
    ADD_OFFSETS_TO_TXN,
    TXN_OFFSET_COMMIT,
    END_TXN,
    DESCRIBE_TRANSACTIONS,
    LIST_TRANSACTIONS,
  ].map((s) => s.key),
);

export function advertisedApis(transactions: boolean): Struct[] {
  const apis = [...SUPPORTED_APIS.values()].filter(
    ({ schema }) => transactions || !TRANSACTION_APIS.has(schema.key),
  );
  return apis.map(({ schema }) => ({
    apiKey: schema.key,
    minVersion: schema.minVersion,
    maxVersion: schema.maxVersion,
  }));
}
