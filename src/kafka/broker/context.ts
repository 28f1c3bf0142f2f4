import type { InternalTopics, Log, ReadCursor } from '../../log/index.js';
import type { Struct } from '../protocol/schema.js';
import type { ClassicGroupCoordinator } from './classic-group-coordinator.js';
import type { ProducerStates } from './producer-states.js';
import type { TopicIds } from './topic-ids.js';
import type { TransactionCoordinator } from './transaction-coordinator.js';

/** This node as clients must reach it: the address in Metadata, FindCoordinator and DescribeCluster. */
export interface NodeAddress {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

/** What every request handler can use: shared by all connections of one listener. */
export interface BrokerContext {
  readonly log: Log;
  readonly node: NodeAddress;
  readonly internalTopics: InternalTopics;
  readonly producers: ProducerStates;
  readonly groups: ClassicGroupCoordinator;
  readonly transactions: TransactionCoordinator;
  /** Topic ids back to names (Fetch v13+ and Metadata v10+ name topics by id). */
  readonly topicIds: TopicIds;
  /** Partitions of a topic created by Metadata's auto-creation or CreateTopics with -1. */
  readonly defaultPartitions: number;
  readonly autoCreateTopics: boolean;
  /** Largest batch a produce may carry decompressed (Kafka's message.max.bytes, a bit more). */
  readonly maxBatchBytes: number;
  readonly writeLine: (line: string) => void;
  /**
   * Set on a SASL_PLAINTEXT listener: checks a user's password (SASL/PLAIN); resolves undefined when
   * admitted, else why not. Every API but ApiVersions and SASL's needs an authenticated connection.
   */
  readonly authenticatePlain:
    | ((user: string, password: string, address: string) => Promise<string | undefined>)
    | undefined;
}

/** A connection's SASL state. */
export interface SaslSession {
  authenticated: boolean;
  mechanism: string | undefined;
  /** SaslHandshake v0: the next frame is a bare token, not a Kafka request. */
  rawTokenNext: boolean;
  user: string | undefined;
  /** Answer, then close (a failed authentication). */
  closeAfterResponse: boolean;
}

/** One request as a handler sees it. */
export interface RequestContext {
  readonly broker: BrokerContext;
  readonly version: number;
  readonly clientId: string;
  readonly clientHost: string;
  readonly session: SaslSession;
  /** This connection's place in each partition it fetches (`topic NUL partition`), so its reads go on where they stopped. */
  readonly cursors: Map<string, ReadCursor>;
  /** Aborted when the connection closes: long polls stop waiting. */
  readonly signal: AbortSignal;
}

/** A handler's answer; `undefined` sends no response (Produce with acks=0). */
export type Handler = (request: Struct, ctx: RequestContext) => Promise<Struct | undefined>;
