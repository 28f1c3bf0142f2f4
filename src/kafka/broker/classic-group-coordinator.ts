import { randomUUID } from 'node:crypto';
import { ErrorCode, type ErrorCodeValue } from '../protocol/error-codes.js';

/*
 * Kafka's classic group coordinator (GroupMetadataManager's classicGroup* and ClassicGroup in
 * apache/kafka's group-coordinator), for consumers and Connect workers that assign partitions on the
 * client side: the coordinator only gathers members, picks a leader and a protocol, and hands the
 * leader's assignment to everyone. Groups live in memory; committed offsets live in the log.
 */

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface Protocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinRequest {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly Protocol[];
  /** v4+: a new dynamic member first gets MEMBER_ID_REQUIRED with its id (KIP-394). */
  readonly requireKnownMemberId: boolean;
}

export interface JoinResult {
  readonly errorCode: ErrorCodeValue;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leader: string;
  readonly memberId: string;
  readonly members: readonly { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
  /**
   * JoinGroup v9+: the leader gets the members but must not assign again: a static member (the
   * leader) came back under a new id and the group kept its assignment (KIP-345, KIP-814).
   */
  readonly skipAssignment?: boolean;
}

export interface SyncResult {
  readonly errorCode: ErrorCodeValue;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: Buffer;
}

export interface MemberDescription {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly metadata: Buffer;
  readonly assignment: Buffer;
}

export interface GroupDescription {
  readonly state: GroupState;
  readonly protocolType: string;
  readonly protocolName: string;
  readonly members: readonly MemberDescription[];
}

interface Member {
  readonly memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: readonly Protocol[];
  assignment: Buffer;
  joinWaiter: ((result: JoinResult) => void) | undefined;
  syncWaiter: ((result: SyncResult) => void) | undefined;
  sessionTimer: NodeJS.Timeout | undefined;
}

class ClassicGroup {
  state: GroupState = 'Empty';
  generation = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Ids handed out with MEMBER_ID_REQUIRED, waiting for the member's second join. */
  readonly pending = new Map<string, NodeJS.Timeout>();
  joinTimer: NodeJS.Timeout | undefined;
  /** Set while the first rebalance from Empty waits for more members to arrive. */
  initialDelay = false;
  readonly id: string;
  constructor(id: string) {
    this.id = id;
  }
}

const EMPTY = Buffer.alloc(0);

export interface ClassicGroupCoordinatorOptions {
  /** group.min.session.timeout.ms / group.max.session.timeout.ms (Kafka: 6 s, 30 min). */
  readonly minSessionTimeoutMs?: number;
  readonly maxSessionTimeoutMs?: number;
  /** group.initial.rebalance.delay.ms (Kafka: 3 s): a fleet starting together lands in one generation. */
  readonly initialRebalanceDelayMs?: number;
}

export class ClassicGroupCoordinator {
  readonly #groups = new Map<string, ClassicGroup>();
  readonly #minSession: number;
  readonly #maxSession: number;
  readonly #initialDelay: number;

  constructor(options: ClassicGroupCoordinatorOptions = {}) {
    this.#minSession = options.minSessionTimeoutMs ?? 6000;
    this.#maxSession = options.maxSessionTimeoutMs ?? 1_800_000;
    this.#initialDelay = options.initialRebalanceDelayMs ?? 3000;
  }

  /** Stops every timer and answers every waiting member (the listener is closing). */
  close(): void {
    for (const group of this.#groups.values()) {
      clearTimeout(group.joinTimer);
      for (const t of group.pending.values()) clearTimeout(t);
      for (const m of group.members.values()) {
        clearTimeout(m.sessionTimer);
        m.joinWaiter?.(this.#joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, m.memberId));
        m.syncWaiter?.({
          errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
          protocolType: null,
          protocolName: null,
          assignment: EMPTY,
        });
      }
    }
    this.#groups.clear();
  }

  #group(id: string): ClassicGroup {
    let group = this.#groups.get(id);
    if (group === undefined) {
      group = new ClassicGroup(id);
      this.#groups.set(id, group);
    }
    return group;
  }

  #joinError(errorCode: ErrorCodeValue, memberId: string): JoinResult {
    return {
      errorCode,
      generationId: -1,
      protocolType: null,
      protocolName: null,
      leader: '',
      memberId,
      members: [],
    };
  }

  join(request: JoinRequest): Promise<JoinResult> {
    if (request.groupId === '')
      return Promise.resolve(this.#joinError(ErrorCode.INVALID_GROUP_ID, request.memberId));
    if (request.sessionTimeoutMs < this.#minSession || request.sessionTimeoutMs > this.#maxSession) {
      return Promise.resolve(this.#joinError(ErrorCode.INVALID_SESSION_TIMEOUT, request.memberId));
    }
    const group = this.#group(request.groupId);
    if (group.state === 'Dead')
      return Promise.resolve(this.#joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, request.memberId));
    if (!this.#supportsProtocols(group, request)) {
      return Promise.resolve(this.#joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, request.memberId));
    }
    if (request.memberId === '') {
      if (request.groupInstanceId !== null) return this.#joinStatic(group, request, request.groupInstanceId);
      const memberId = `${request.clientId}-${randomUUID()}`;
      if (request.requireKnownMemberId) {
        group.pending.set(
          memberId,
          setTimeout(() => {
            group.pending.delete(memberId);
            this.#tryCompleteJoin(group);
          }, request.sessionTimeoutMs),
        );
        return Promise.resolve(this.#joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
      }
      return this.#addAndRebalance(group, memberId, request);
    }
    const pendingTimer = group.pending.get(request.memberId);
    if (pendingTimer !== undefined) {
      clearTimeout(pendingTimer);
      group.pending.delete(request.memberId);
      return this.#addAndRebalance(group, request.memberId, request);
    }
    if (fenced(group, request.groupInstanceId, request.memberId))
      return Promise.resolve(this.#joinError(ErrorCode.FENCED_INSTANCE_ID, request.memberId));
    const member = group.members.get(request.memberId);
    if (member === undefined)
      return Promise.resolve(this.#joinError(ErrorCode.UNKNOWN_MEMBER_ID, request.memberId));
    const sameMetadata = sameProtocols(member.protocols, request.protocols);
    this.#update(member, request);
    if (
      (group.state === 'Stable' && sameMetadata && member.memberId !== group.leaderId) ||
      (group.state === 'CompletingRebalance' && sameMetadata)
    ) {
      // Nothing changed: the member gets the current generation back and no rebalance starts.
      this.#renewSession(group, member);
      return Promise.resolve(this.#joinAnswer(group, member));
    }
    return this.#waitForJoin(group, member);
  }

  /**
   * A static member (group.instance.id, KIP-345) joining without a member id. New: it joins and the
   * group rebalances, with no MEMBER_ID_REQUIRED round. Known: it takes its old place under a new
   * member id, the old id is fenced (FENCED_INSTANCE_ID to whoever still uses it), and a Stable group
   * whose member offers the same protocols keeps its generation and assignment: no rebalance, so a
   * restarted consumer gets its partitions back without moving anyone else's.
   */
  #joinStatic(group: ClassicGroup, request: JoinRequest, instanceId: string): Promise<JoinResult> {
    const memberId = `${instanceId}-${randomUUID()}`;
    const old = staticMember(group, instanceId);
    if (old === undefined) return this.#addAndRebalance(group, memberId, request);
    const member: Member = {
      ...old,
      memberId,
      joinWaiter: undefined,
      syncWaiter: undefined,
      sessionTimer: undefined,
    };
    const ledGroup = group.leaderId === old.memberId;
    this.#dropMember(group, old);
    old.joinWaiter?.(this.#joinError(ErrorCode.FENCED_INSTANCE_ID, old.memberId));
    old.syncWaiter?.({
      errorCode: ErrorCode.FENCED_INSTANCE_ID,
      protocolType: null,
      protocolName: null,
      assignment: EMPTY,
    });
    group.members.set(memberId, member);
    if (ledGroup) group.leaderId = memberId;
    const sameMetadata = sameProtocols(old.protocols, request.protocols);
    this.#update(member, request);
    if (group.state === 'Stable' && sameMetadata) {
      this.#renewSession(group, member);
      const answer = this.#joinAnswer(group, member);
      return Promise.resolve({ ...answer, skipAssignment: member.memberId === group.leaderId });
    }
    // Otherwise a rebalance: started now when none runs, else joined.
    return this.#waitForJoin(group, member);
  }

  #supportsProtocols(group: ClassicGroup, request: JoinRequest): boolean {
    if (request.protocolType === '' || request.protocols.length === 0) return false;
    if (group.members.size === 0) return true;
    if (group.protocolType !== null && group.protocolType !== request.protocolType) return false;
    const names = new Set(request.protocols.map((p) => p.name));
    for (const m of group.members.values()) {
      if (m.memberId === request.memberId) continue;
      if (!m.protocols.some((p) => names.has(p.name))) return false;
    }
    return true;
  }

  #update(member: Member, request: JoinRequest): void {
    member.clientId = request.clientId;
    member.clientHost = request.clientHost;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs =
      request.rebalanceTimeoutMs > 0 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs;
    member.protocolType = request.protocolType;
    member.protocols = request.protocols;
    member.groupInstanceId = request.groupInstanceId;
  }

  #addAndRebalance(group: ClassicGroup, memberId: string, request: JoinRequest): Promise<JoinResult> {
    const member: Member = {
      memberId,
      groupInstanceId: null,
      clientId: '',
      clientHost: '',
      sessionTimeoutMs: 0,
      rebalanceTimeoutMs: 0,
      protocolType: '',
      protocols: [],
      assignment: EMPTY,
      joinWaiter: undefined,
      syncWaiter: undefined,
      sessionTimer: undefined,
    };
    this.#update(member, request);
    group.members.set(memberId, member);
    if (group.protocolType === null) group.protocolType = request.protocolType;
    return this.#waitForJoin(group, member);
  }

  #waitForJoin(group: ClassicGroup, member: Member): Promise<JoinResult> {
    clearTimeout(member.sessionTimer);
    member.sessionTimer = undefined;
    const answer = new Promise<JoinResult>((resolve) => {
      member.joinWaiter?.(this.#joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
      member.joinWaiter = resolve;
    });
    if (group.state !== 'PreparingRebalance') this.#prepareRebalance(group);
    else this.#tryCompleteJoin(group);
    return answer;
  }

  #prepareRebalance(group: ClassicGroup): void {
    const fromEmpty = group.state === 'Empty';
    // Members waiting for their assignment learn that another round started.
    for (const m of group.members.values()) {
      if (m.syncWaiter !== undefined) {
        m.syncWaiter({
          errorCode: ErrorCode.REBALANCE_IN_PROGRESS,
          protocolType: null,
          protocolName: null,
          assignment: EMPTY,
        });
        m.syncWaiter = undefined;
      }
    }
    group.state = 'PreparingRebalance';
    clearTimeout(group.joinTimer);
    const rebalanceTimeout = Math.max(0, ...[...group.members.values()].map((m) => m.rebalanceTimeoutMs));
    if (fromEmpty && this.#initialDelay > 0) {
      group.initialDelay = true;
      group.joinTimer = setTimeout(
        () => {
          group.initialDelay = false;
          group.joinTimer = setTimeout(() => this.#completeJoin(group), rebalanceTimeout);
          this.#tryCompleteJoin(group);
        },
        Math.min(this.#initialDelay, rebalanceTimeout),
      );
      return;
    }
    group.joinTimer = setTimeout(() => this.#completeJoin(group), rebalanceTimeout);
    this.#tryCompleteJoin(group);
  }

  /** Completes the join phase once every member has rejoined and no new member is half-way in. */
  #tryCompleteJoin(group: ClassicGroup): void {
    if (group.state !== 'PreparingRebalance' || group.initialDelay) return;
    if (group.pending.size > 0) return;
    for (const m of group.members.values()) if (m.joinWaiter === undefined) return;
    this.#completeJoin(group);
  }

  #completeJoin(group: ClassicGroup): void {
    if (group.state !== 'PreparingRebalance') return;
    clearTimeout(group.joinTimer);
    group.joinTimer = undefined;
    group.initialDelay = false;
    // Members that did not rejoin within the rebalance timeout are dropped.
    for (const m of [...group.members.values()]) {
      if (m.joinWaiter === undefined) this.#dropMember(group, m);
    }
    group.generation++;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolType = null;
      group.protocolName = null;
      group.leaderId = null;
      return;
    }
    group.protocolName = this.#selectProtocol(group);
    if (group.leaderId === null || !group.members.has(group.leaderId)) {
      group.leaderId = group.members.keys().next().value as string;
    }
    group.state = 'CompletingRebalance';
    for (const m of group.members.values()) {
      m.assignment = EMPTY;
      const waiter = m.joinWaiter;
      m.joinWaiter = undefined;
      this.#renewSession(group, m);
      waiter?.(this.#joinAnswer(group, m));
    }
  }

  /** Among the protocols every member supports, each member votes for its first choice. */
  #selectProtocol(group: ClassicGroup): string {
    const members = [...group.members.values()];
    const common = members[0].protocols
      .map((p) => p.name)
      .filter((name) => members.every((m) => m.protocols.some((p) => p.name === name)));
    const votes = new Map<string, number>();
    for (const m of members) {
      const choice = m.protocols.find((p) => common.includes(p.name))?.name;
      if (choice !== undefined) votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = common[0];
    for (const name of common) if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
    return best;
  }

  #joinAnswer(group: ClassicGroup, member: Member): JoinResult {
    const isLeader = member.memberId === group.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generation,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY,
          }))
        : [],
    };
  }

  #renewSession(group: ClassicGroup, member: Member): void {
    clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => {
      member.sessionTimer = undefined;
      if (group.members.get(member.memberId) !== member || member.joinWaiter !== undefined) return;
      this.#removeMember(group, member, ErrorCode.UNKNOWN_MEMBER_ID);
    }, member.sessionTimeoutMs);
  }

  #dropMember(group: ClassicGroup, member: Member): void {
    clearTimeout(member.sessionTimer);
    group.members.delete(member.memberId);
    if (group.leaderId === member.memberId) group.leaderId = null;
  }

  /** Removes a member (left, expired or fenced) and rebalances the rest. */
  #removeMember(group: ClassicGroup, member: Member, answer: ErrorCodeValue): void {
    this.#dropMember(group, member);
    member.joinWaiter?.(this.#joinError(answer, member.memberId));
    member.joinWaiter = undefined;
    member.syncWaiter?.({ errorCode: answer, protocolType: null, protocolName: null, assignment: EMPTY });
    member.syncWaiter = undefined;
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') {
      if (group.members.size === 0) {
        group.state = 'Empty';
        group.generation++;
        group.protocolType = null;
        group.protocolName = null;
      } else this.#prepareRebalance(group);
    } else this.#tryCompleteJoin(group);
  }

  sync(request: {
    groupId: string;
    generationId: number;
    memberId: string;
    groupInstanceId?: string | null;
    protocolType: string | null;
    protocolName: string | null;
    assignments: readonly { memberId: string; assignment: Buffer }[];
  }): Promise<SyncResult> {
    const fail = (errorCode: ErrorCodeValue): Promise<SyncResult> =>
      Promise.resolve({ errorCode, protocolType: null, protocolName: null, assignment: EMPTY });
    const group = this.#groups.get(request.groupId);
    if (group === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (fenced(group, request.groupInstanceId, request.memberId)) return fail(ErrorCode.FENCED_INSTANCE_ID);
    const member = group.members.get(request.memberId);
    if (member === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (request.generationId !== group.generation) return fail(ErrorCode.ILLEGAL_GENERATION);
    if (
      (request.protocolType !== null && request.protocolType !== group.protocolType) ||
      (request.protocolName !== null && request.protocolName !== group.protocolName)
    ) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    this.#renewSession(group, member);
    const ok = (m: Member): SyncResult => ({
      errorCode: ErrorCode.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment: m.assignment,
    });
    switch (group.state) {
      case 'PreparingRebalance':
        return fail(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        return Promise.resolve(ok(member));
      case 'CompletingRebalance': {
        const answer = new Promise<SyncResult>((resolve) => {
          member.syncWaiter = resolve;
        });
        if (member.memberId === group.leaderId) {
          const given = new Map(request.assignments.map((a) => [a.memberId, a.assignment]));
          group.state = 'Stable';
          for (const m of group.members.values()) {
            m.assignment = given.get(m.memberId) ?? EMPTY;
            const waiter = m.syncWaiter;
            m.syncWaiter = undefined;
            waiter?.(ok(m));
          }
        }
        return answer;
      }
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  heartbeat(
    groupId: string,
    memberId: string,
    generationId: number,
    groupInstanceId: string | null = null,
  ): ErrorCodeValue {
    const group = this.#groups.get(groupId);
    if (group === undefined || group.state === 'Empty') return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (fenced(group, groupInstanceId, memberId)) return ErrorCode.FENCED_INSTANCE_ID;
    const member = group.members.get(memberId);
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generation) return ErrorCode.ILLEGAL_GENERATION;
    this.#renewSession(group, member);
    // A heartbeat is how a member learns it must rejoin.
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /**
   * LeaveGroup. A static member may be named by its instance id alone (memberId ''), as the admin
   * client's removeMembersFromConsumerGroup does; a member id that is not the instance's current one
   * is FENCED_INSTANCE_ID.
   */
  leave(groupId: string, memberId: string, groupInstanceId: string | null = null): ErrorCodeValue {
    const group = this.#groups.get(groupId);
    if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (groupInstanceId !== null) {
      const known = staticMember(group, groupInstanceId);
      if (known === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (memberId !== '' && known.memberId !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
      memberId = known.memberId;
    }
    const member = group.members.get(memberId);
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.#removeMember(group, member, ErrorCode.UNKNOWN_MEMBER_ID);
    return ErrorCode.NONE;
  }

  /** Whether an offset commit from this member at this generation is accepted (ClassicGroup.validateOffsetCommit). */
  checkCommit(
    groupId: string,
    memberId: string,
    generationId: number,
    groupInstanceId: string | null = null,
  ): ErrorCodeValue {
    const group = this.#groups.get(groupId);
    if (group === undefined || group.members.size === 0) {
      // Standalone consumers and --reset-offsets commit with generation -1 to an empty or unknown group.
      return generationId < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
    }
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && memberId === '') return ErrorCode.UNKNOWN_MEMBER_ID;
    if (fenced(group, groupInstanceId, memberId)) return ErrorCode.FENCED_INSTANCE_ID;
    const member = group.members.get(memberId);
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generation) return ErrorCode.ILLEGAL_GENERATION;
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    this.#renewSession(group, member);
    return ErrorCode.NONE;
  }

  /** What DescribeGroups shows; metadata and assignments only once the group is Stable, as Kafka. */
  describe(groupId: string): GroupDescription | undefined {
    const group = this.#groups.get(groupId);
    if (group === undefined) return undefined;
    const stable = group.state === 'Stable';
    return {
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolName: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable
          ? (m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY)
          : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  /**
   * Forgets a group for DeleteGroups: NONE when it had no members (or was unknown here), else
   * NON_EMPTY_GROUP and the group stays.
   */
  remove(groupId: string): ErrorCodeValue {
    const group = this.#groups.get(groupId);
    if (group === undefined) return ErrorCode.NONE;
    if (group.members.size > 0 || (group.state !== 'Empty' && group.state !== 'Dead'))
      return ErrorCode.NON_EMPTY_GROUP;
    for (const t of group.pending.values()) clearTimeout(t);
    clearTimeout(group.joinTimer);
    this.#groups.delete(groupId);
    return ErrorCode.NONE;
  }

  /**
   * What OffsetDelete may not touch: undefined for a group without members (any offset may go), else
   * the topics its members subscribe to, from their `consumer` protocol subscriptions, or null when
   * the group speaks another protocol (Connect's), whose offsets stay while it has members.
   */
  subscribedTopics(groupId: string): Set<string> | null | undefined {
    const group = this.#groups.get(groupId);
    if (group === undefined || group.members.size === 0) return undefined;
    if (group.protocolType !== 'consumer') return null;
    const topics = new Set<string>();
    for (const m of group.members.values()) {
      const chosen = m.protocols.find((p) => p.name === group.protocolName) ?? m.protocols[0];
      if (chosen !== undefined) for (const t of subscriptionTopics(chosen.metadata)) topics.add(t);
    }
    return topics;
  }

  /** Every group with members or once joined, with its state and protocol type. */
  list(): { groupId: string; state: GroupState; protocolType: string }[] {
    return [...this.#groups.values()].map((g) => ({
      groupId: g.id,
      state: g.state,
      protocolType: g.protocolType ?? '',
    }));
  }
}

/**
 * The topics of a `consumer` protocol subscription (ConsumerProtocolSubscription: int16 version,
 * then an array of int16-length strings); none when the bytes do not read as one.
 */
function subscriptionTopics(metadata: Buffer): string[] {
  try {
    let pos = 2;
    const count = metadata.readInt32BE(pos);
    pos += 4;
    const topics: string[] = [];
    for (let i = 0; i < count; i++) {
      const length = metadata.readInt16BE(pos);
      pos += 2;
      if (length < 0 || pos + length > metadata.length) return topics;
      topics.push(metadata.toString('utf8', pos, pos + length));
      pos += length;
    }
    return topics;
  } catch {
    return [];
  }
}

/** The member holding a static instance id (group.instance.id), if any. */
function staticMember(group: ClassicGroup, instanceId: string): Member | undefined {
  for (const m of group.members.values()) if (m.groupInstanceId === instanceId) return m;
  return undefined;
}

/** A request naming a static instance whose current member id is another: an old incarnation. */
function fenced(group: ClassicGroup, instanceId: string | null | undefined, memberId: string): boolean {
  if (instanceId === null || instanceId === undefined) return false;
  const known = staticMember(group, instanceId);
  return known !== undefined && known.memberId !== memberId;
}

function sameProtocols(a: readonly Protocol[], b: readonly Protocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i].name && p.metadata.equals(b[i].metadata));
}
