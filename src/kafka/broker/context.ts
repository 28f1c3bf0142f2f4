import type { InternalTopics, Log } from '../../log/index.js';
import type { Struct } from '../protocol/schema.js';
import type { GroupCoordinator } from './group-coordinator.js';
import type { ProducerStates } from './producer-states.js';

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
  readonly groups: GroupCoordinator;
  /** Partitions of a topic created by Metadata's auto-creation or CreateTopics with -1. */
  readonly defaultPartitions: number;
  readonly autoCreateTopics: boolean;
  /** Largest batch a produce may carry decompressed (Kafka's message.max.bytes, a bit more). */
  readonly maxBatchBytes: number;
  readonly writeLine: (line: string) => void;
}

/** One request as a handler sees it. */
export interface RequestContext {
  readonly broker: BrokerContext;
  readonly version: number;
  readonly clientId: string;
  readonly clientHost: string;
  /** Aborted when the connection closes: long polls stop waiting. */
  readonly signal: AbortSignal;
}

/** A handler's answer; `undefined` sends no response (Produce with acks=0). */
export type Handler = (request: Struct, ctx: RequestContext) => Promise<Struct | undefined>;
