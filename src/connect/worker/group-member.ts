import {
  Connection,
  findCoordinatorV4,
  heartbeatV4,
  joinGroupV9,
  leaveGroupV5,
  syncGroupV5,
} from '@platformatic/kafka';
import {
  CONNECT_PROTOCOL_TYPE,
  JAVA_CONNECT_PROTOCOLS,
  SLUICE_CONNECT_PROTOCOL,
} from './connect-protocol.js';

/** Kafka's error codes the member acts on. */
const ILLEGAL_GENERATION = 22;
const INCONSISTENT_GROUP_PROTOCOL = 23;
const UNKNOWN_MEMBER_ID = 25;
const REBALANCE_IN_PROGRESS = 27;
const MEMBER_ID_REQUIRED = 79;
const NOT_COORDINATOR = 16;
const COORDINATOR_NOT_AVAILABLE = 15;
const COORDINATOR_LOAD_IN_PROGRESS = 14;

export interface GroupMemberOptions {
  /** host:port of the brokers (bootstrap.servers). */
  readonly bootstrapServers: readonly string[];
  readonly groupId: string;
  readonly clientId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** This member's metadata for the next join. */
  metadata(): Buffer;
  /** As leader: each member's assignment, from every member's metadata. */
  assign(
    leaderId: string,
    members: readonly { memberId: string; metadata: Buffer }[],
  ): Promise<Map<string, Buffer>>;
  /** The assignment of a completed rebalance (before heartbeats resume). */
  onAssignment(assignment: Buffer, memberId: string, generation: number): Promise<void>;
  /**
   * The coordinator no longer knows this member (its session expired): the others may run its work
   * by now, so it stops everything before joining again.
   */
  onLost(): Promise<void>;
  /** The member cannot go on (a Java Kafka Connect worker in the group, say): the worker stops. */
  onFatal(error: Error): void;
}

function errorCodeOf(err: unknown): number | undefined {
  const response = (err as { response?: { errorCode?: unknown } } | null)?.response;
  return typeof response?.errorCode === 'number' ? response.errorCode : undefined;
}

function hostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) };
}

/**
 * A classic group member with protocol type `connect`, as Kafka Connect's WorkerCoordinator: finds
 * the coordinator, joins (the leader computes every member's assignment), syncs, and heartbeats
 * until a rebalance, a rejoin it asks for, or its close. Works over Sluice's Kafka listener and
 * Apache Kafka alike.
 */
export class ConnectGroupMember {
  private readonly o: GroupMemberOptions;
  private connection: Connection | undefined;
  private memberId = '';
  private generation = -1;
  private closed = false;
  private rejoinRequested = false;
  /** Wakes the heartbeat wait early (a rejoin asked for, or the close). */
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(options: GroupMemberOptions) {
    this.o = options;
  }

  start(): void {
    this.loop = this.run().catch((err) => {
      if (!this.closed) this.o.onFatal(err as Error);
    });
  }

  /** Joins again at the next chance (the config topic changed, a revocation was done, a delay ran out). */
  requestRejoin(): void {
    this.rejoinRequested = true;
    this.wake?.();
  }

  /** Leaves the group, so the others rebalance at once rather than after the session timeout. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    const c = this.connection;
    if (c !== undefined && this.memberId !== '') {
      await leaveGroupV5.api
        .async(c, this.o.groupId, [{ memberId: this.memberId, reason: 'the worker is stopping' }])
        .catch(() => {});
    }
    await this.loop?.catch(() => {});
    await c?.close().catch(() => {});
  }

  private async coordinator(): Promise<Connection> {
    let lastError: unknown;
    for (const address of this.o.bootstrapServers) {
      const { host, port } = hostPort(address);
      const probe = new Connection(this.o.clientId, { requestTimeout: this.o.rebalanceTimeoutMs + 5000 });
      try {
        await probe.connect(host, port);
        const found = await findCoordinatorV4.api.async(probe, 0, [this.o.groupId]);
        const c = found.coordinators[0];
        if (c === undefined || c.errorCode !== 0) throw new Error(`no coordinator (error ${c?.errorCode})`);
        if (c.host === host && c.port === port) return probe;
        await probe.close();
        const conn = new Connection(this.o.clientId, { requestTimeout: this.o.rebalanceTimeoutMs + 5000 });
        await conn.connect(c.host, c.port);
        return conn;
      } catch (err) {
        lastError = err;
        await probe.close().catch(() => {});
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        if (this.connection === undefined) this.connection = await this.coordinator();
        await this.joinAndSync(this.connection);
        failures = 0;
        await this.heartbeatUntilRejoin(this.connection);
      } catch (err) {
        if (this.closed) return;
        const code = errorCodeOf(err);
        if (code === INCONSISTENT_GROUP_PROTOCOL) throw this.mixedGroupError();
        if (code === UNKNOWN_MEMBER_ID || code === ILLEGAL_GENERATION) {
          this.memberId = '';
          this.generation = -1;
          await this.o.onLost();
        } else if (code === REBALANCE_IN_PROGRESS) {
          // Join again at once.
        } else {
          // The coordinator moved or the connection broke: find it again, backing off.
          if (
            code === undefined ||
            code === NOT_COORDINATOR ||
            code === COORDINATOR_NOT_AVAILABLE ||
            code === COORDINATOR_LOAD_IN_PROGRESS
          ) {
            await this.connection?.close().catch(() => {});
            this.connection = undefined;
          }
          failures++;
          await this.pause(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
        }
      }
    }
  }

  private mixedGroupError(): Error {
    return new Error(
      `The Connect group ${this.o.groupId} is used by workers that speak another Connect protocol (a Java Kafka Connect cluster offers ${JAVA_CONNECT_PROTOCOLS.join(', ')}; sluice connect offers ${SLUICE_CONNECT_PROTOCOL}): the two cannot share connectors, since their plugins differ. Give the sluice connect workers a group.id of their own (and their own config.storage.topic, offset.storage.topic and status.storage.topic).`,
    );
  }

  private async joinAndSync(c: Connection): Promise<void> {
    this.rejoinRequested = false;
    let joined: Awaited<ReturnType<typeof joinGroupV9.api.async>>;
    for (;;) {
      try {
        joined = await joinGroupV9.api.async(
          c,
          this.o.groupId,
          this.o.sessionTimeoutMs,
          this.o.rebalanceTimeoutMs,
          this.memberId,
          null,
          CONNECT_PROTOCOL_TYPE,
          [{ name: SLUICE_CONNECT_PROTOCOL, metadata: this.o.metadata() }],
          null,
        );
        break;
      } catch (err) {
        const memberId = (err as { response?: { memberId?: string } }).response?.memberId;
        if (errorCodeOf(err) === MEMBER_ID_REQUIRED && memberId) {
          this.memberId = memberId;
          continue;
        }
        throw err;
      }
    }
    this.memberId = joined.memberId ?? this.memberId;
    this.generation = joined.generationId;
    let assignments: { memberId: string; assignment: Buffer }[] = [];
    if (joined.leader === this.memberId) {
      for (const m of joined.members)
        if (m.metadata === null || m.metadata.length === 0) throw this.mixedGroupError();
      const byMember = await this.o.assign(
        this.memberId,
        joined.members.map((m) => ({ memberId: m.memberId, metadata: m.metadata as Buffer })),
      );
      assignments = [...byMember].map(([memberId, assignment]) => ({ memberId, assignment }));
    }
    const synced = await syncGroupV5.api.async(
      c,
      this.o.groupId,
      this.generation,
      this.memberId,
      null,
      CONNECT_PROTOCOL_TYPE,
      joined.protocolName ?? SLUICE_CONNECT_PROTOCOL,
      assignments,
    );
    await this.o.onAssignment(synced.assignment, this.memberId, this.generation);
  }

  private async heartbeatUntilRejoin(c: Connection): Promise<void> {
    while (!this.closed && !this.rejoinRequested) {
      await this.pause(this.o.heartbeatIntervalMs);
      if (this.closed || this.rejoinRequested) return;
      await heartbeatV4.api.async(c, this.o.groupId, this.generation, this.memberId, null);
    }
  }

  /** Waits, woken early by a rejoin request or the close. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
