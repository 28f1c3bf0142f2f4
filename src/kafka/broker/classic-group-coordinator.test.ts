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

  describe('static members (group.instance.id, KIP-345)', () => {
    // What a restarted consumer offers again: the same protocols, whatever its member id.
    const asA = { groupInstanceId: 'a', protocols: [{ name: 'range', metadata: Buffer.from('sub-a') }] };
    /** A Stable group of static member 'a' (the leader) and dynamic member 'b', each assigned its own. */
    async function stableGroup(c: ClassicGroupCoordinator) {
      const first = await c.join(joinRequest('', asA));
      assert.equal(first.errorCode, ErrorCode.NONE, 'a static member joins without MEMBER_ID_REQUIRED');
      assert.match(first.memberId, /^a-/);
      const b = await joinNew(c);
      const [ja, jb] = await Promise.all([c.join(joinRequest(first.memberId, asA)), b.joined]);
      assert.equal(ja.leader, ja.memberId);
      const sync = (memberId: string, assignments: { memberId: string; assignment: Buffer }[] = []) =>
        c.sync({
          groupId: 'g',
          generationId: ja.generationId,
          memberId,
          groupInstanceId: memberId === ja.memberId ? 'a' : null,
          protocolType: 'consumer',
          protocolName: 'range',
          assignments,
        });
      const [sa, sb] = await Promise.all([
        sync(ja.memberId, [
          { memberId: ja.memberId, assignment: Buffer.from('p0') },
          { memberId: jb.memberId, assignment: Buffer.from('p1') },
        ]),
        sync(jb.memberId),
      ]);
      assert.deepEqual([sa.assignment.toString(), sb.assignment.toString()], ['p0', 'p1']);
      return { a: ja.memberId, b: jb.memberId, generation: ja.generationId };
    }

    test('a restarted static member gets a new id and its old assignment back with no rebalance; its old id is fenced', async () => {
      const c = coordinator();
      const { a, b, generation } = await stableGroup(c);
      const again = await c.join(joinRequest('', asA));
      assert.equal(again.errorCode, ErrorCode.NONE);
      assert.notEqual(again.memberId, a);
      assert.equal(again.generationId, generation, 'same generation: no rebalance');
      assert.equal(again.leader, again.memberId, 'it still leads');
      assert.equal(again.skipAssignment, true, 'the leader is told not to assign again');
      assert.equal(c.describe('g')?.state, 'Stable');
      assert.equal(c.heartbeat('g', b, generation), ErrorCode.NONE, 'the other member goes on undisturbed');
      const sync = await c.sync({
        groupId: 'g',
        generationId: generation,
        memberId: again.memberId,
        groupInstanceId: 'a',
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: [],
      });
      assert.deepEqual([sync.errorCode, sync.assignment.toString()], [ErrorCode.NONE, 'p0']);
      // The old incarnation is fenced wherever it shows up with the instance id.
      assert.equal(c.heartbeat('g', a, generation, 'a'), ErrorCode.FENCED_INSTANCE_ID);
      assert.equal(c.checkCommit('g', a, generation, 'a'), ErrorCode.FENCED_INSTANCE_ID);
      const oldSync = await c.sync({
        groupId: 'g',
        generationId: generation,
        memberId: a,
        groupInstanceId: 'a',
        protocolType: null,
        protocolName: null,
        assignments: [],
      });
      assert.equal(oldSync.errorCode, ErrorCode.FENCED_INSTANCE_ID);
      const oldJoin = await c.join(joinRequest(a, asA));
      assert.equal(oldJoin.errorCode, ErrorCode.FENCED_INSTANCE_ID);
      assert.equal(c.describe('g')?.members.find((m) => m.groupInstanceId === 'a')?.memberId, again.memberId);
    });

    test('a static member back with other protocols starts a rebalance', async () => {
      const c = coordinator();
      const { b, generation } = await stableGroup(c);
      const again = c.join(
        joinRequest('', {
          groupInstanceId: 'a',
          protocols: [{ name: 'range', metadata: Buffer.from('new') }],
        }),
      );
      assert.equal(c.heartbeat('g', b, generation), ErrorCode.REBALANCE_IN_PROGRESS);
      const [ja, jb] = await Promise.all([again, c.join(joinRequest(b))]);
      assert.equal(ja.generationId, generation + 1);
      assert.equal(jb.generationId, generation + 1);
    });

    test('LeaveGroup names a static member by instance id alone; a stale member id for it is fenced', async () => {
      const c = coordinator();
      const { a, b, generation } = await stableGroup(c);
      assert.equal(c.leave('g', 'not-a', 'a'), ErrorCode.FENCED_INSTANCE_ID);
      assert.equal(c.leave('g', '', 'nobody'), ErrorCode.UNKNOWN_MEMBER_ID);
      assert.equal(c.leave('g', '', 'a'), ErrorCode.NONE);
      assert.equal(
        c.describe('g')?.members.some((m) => m.memberId === a),
        false,
      );
      assert.equal(c.heartbeat('g', b, generation), ErrorCode.REBALANCE_IN_PROGRESS);
    });

    test('a static member that stops heartbeating is removed after its session timeout, as a dynamic one', async () => {
      const c = coordinator();
      const joined = await c.join(joinRequest('', { groupInstanceId: 's', sessionTimeoutMs: 50 }));
      await c.sync({
        groupId: 'g',
        generationId: joined.generationId,
        memberId: joined.memberId,
        groupInstanceId: 's',
        protocolType: null,
        protocolName: null,
        assignments: [],
      });
      assert.equal(c.describe('g')?.members.length, 1);
      while ((c.describe('g')?.members.length ?? 0) > 0) await new Promise((r) => setTimeout(r, 20));
      assert.equal(c.describe('g')?.state, 'Empty');
    });
  });
});
