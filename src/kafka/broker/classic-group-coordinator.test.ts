import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ErrorCode } from '../protocol/error-codes.js';
import { ClassicGroupCoordinator, type JoinRequest } from './classic-group-coordinator.js';

const coordinators: ClassicGroupCoordinator[] = [];
afterEach(() => {
  for (const c of coordinators.splice(0)) c.close();
});

function coordinator(): ClassicGroupCoordinator {
  const c = new ClassicGroupCoordinator({ minSessionTimeoutMs: 10, initialRebalanceDelayMs: 0 });
  coordinators.push(c);
  return c;
}

function joinRequest(memberId: string, overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId,
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 30_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [
      { name: 'range', metadata: Buffer.from(`r-${memberId}`) },
      { name: 'roundrobin', metadata: Buffer.from('rr') },
    ],
    requireKnownMemberId: true,
    ...overrides,
  };
}

/** Joins as a new member the v4+ way: MEMBER_ID_REQUIRED first, then the join with that id. */
async function joinNew(c: ClassicGroupCoordinator, overrides: Partial<JoinRequest> = {}) {
  const first = await c.join(joinRequest('', overrides));
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  assert.match(first.memberId, /^client-/);
  return { memberId: first.memberId, joined: c.join(joinRequest(first.memberId, overrides)) };
}

describe('the classic group coordinator', () => {
  test('one member: MEMBER_ID_REQUIRED, then leader of generation 1, then Stable with its assignment', async () => {
    const c = coordinator();
    const { memberId, joined } = await joinNew(c);
    const join = await joined;
    assert.deepEqual(
      [join.errorCode, join.generationId, join.leader, join.protocolName],
      [0, 1, memberId, 'range'],
    );
    assert.deepEqual(join.members, [
      { memberId, groupInstanceId: null, metadata: Buffer.from(`r-${memberId}`) },
    ]);
    const sync = await c.sync({
      groupId: 'g',
      generationId: 1,
      memberId,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId, assignment: Buffer.from('all') }],
    });
    assert.deepEqual([sync.errorCode, sync.assignment.toString()], [0, 'all']);
    assert.equal(c.describe('g')?.state, 'Stable');
    assert.equal(c.heartbeat('g', memberId, 1), ErrorCode.NONE);
  });

  test('a second member makes the first rejoin through REBALANCE_IN_PROGRESS; the leader assigns both', async () => {
    const c = coordinator();
    const a = await joinNew(c);
    await a.joined;
    await c.sync({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    const b = await joinNew(c);
    assert.equal(c.heartbeat('g', a.memberId, 1), ErrorCode.REBALANCE_IN_PROGRESS);
    const aJoin = await c.join(joinRequest(a.memberId));
    const bJoin = await b.joined;
    assert.equal(aJoin.generationId, 2);
    assert.equal(bJoin.generationId, 2);
    assert.equal(aJoin.leader, a.memberId, 'the old leader stays leader');
    assert.equal(aJoin.members.length, 2);
    assert.equal(bJoin.members.length, 0, 'only the leader sees the members');
    const bSync = c.sync({
      groupId: 'g',
      generationId: 2,
      memberId: b.memberId,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    const aSync = await c.sync({
      groupId: 'g',
      generationId: 2,
      memberId: a.memberId,
      protocolType: null,
      protocolName: null,
      assignments: [
        { memberId: a.memberId, assignment: Buffer.from('p0') },
        { memberId: b.memberId, assignment: Buffer.from('p1') },
      ],
    });
    assert.equal(aSync.assignment.toString(), 'p0');
    assert.equal((await bSync).assignment.toString(), 'p1');
    assert.equal(c.heartbeat('g', b.memberId, 1), ErrorCode.ILLEGAL_GENERATION);
  });

  test('a member whose session lapses is removed and the group rebalances without it', async () => {
    const c = coordinator();
    // Both get their ids before either joins with it, so both land in generation 1.
    const a = { memberId: (await c.join(joinRequest(''))).memberId };
    const b = { memberId: (await c.join(joinRequest('', { sessionTimeoutMs: 50 }))).memberId };
    const [aJoin, bJoin] = await Promise.all([
      c.join(joinRequest(a.memberId)),
      c.join(joinRequest(b.memberId, { sessionTimeoutMs: 50 })),
    ]);
    const leader = aJoin.leader;
    const assignments = [a.memberId, b.memberId].map((m) => ({ memberId: m, assignment: Buffer.from(m) }));
    const follower = leader === a.memberId ? b.memberId : a.memberId;
    const followerSync = c.sync({
      groupId: 'g',
      generationId: bJoin.generationId,
      memberId: follower,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    await c.sync({
      groupId: 'g',
      generationId: aJoin.generationId,
      memberId: leader,
      protocolType: null,
      protocolName: null,
      assignments,
    });
    await followerSync;
    // a keeps heartbeating (b does not); the group goes to PreparingRebalance when b's 50 ms session ends.
    while (c.heartbeat('g', a.memberId, aJoin.generationId) === ErrorCode.NONE) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(c.heartbeat('g', a.memberId, aJoin.generationId), ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = await c.join(joinRequest(a.memberId));
    assert.equal(rejoin.generationId, aJoin.generationId + 1);
    assert.deepEqual(
      rejoin.members.map((m) => m.memberId),
      [a.memberId],
    );
    assert.equal(c.heartbeat('g', b.memberId, rejoin.generationId), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  test('leaving empties the group; offsets may then be committed with generation -1', async () => {
    const c = coordinator();
    const a = await joinNew(c);
    const join = await a.joined;
    assert.equal(c.checkCommit('g', a.memberId, join.generationId), ErrorCode.REBALANCE_IN_PROGRESS);
    assert.equal(c.checkCommit('g', '', -1), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(c.leave('g', a.memberId), ErrorCode.NONE);
    assert.equal(c.describe('g')?.state, 'Empty');
    assert.equal(c.checkCommit('g', '', -1), ErrorCode.NONE);
    assert.equal(c.checkCommit('other', '', -1), ErrorCode.NONE);
    assert.equal(c.leave('g', a.memberId), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  test('refuses a bad session timeout, an empty group id and a protocol no member shares', async () => {
    const c = new ClassicGroupCoordinator({ initialRebalanceDelayMs: 0 });
    coordinators.push(c);
    assert.equal(
      (await c.join(joinRequest('', { sessionTimeoutMs: 1000 }))).errorCode,
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    assert.equal((await c.join(joinRequest('', { groupId: '' }))).errorCode, ErrorCode.INVALID_GROUP_ID);
    const first = await c.join(joinRequest('', { requireKnownMemberId: false }));
    void first;
    const other = await c.join(
      joinRequest('', {
        requireKnownMemberId: false,
        protocols: [{ name: 'sticky', metadata: Buffer.alloc(0) }],
      }),
    );
    assert.equal(other.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });
});
