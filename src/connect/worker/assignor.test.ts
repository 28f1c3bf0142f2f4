import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AssignorMember, CooperativeAssignor } from './assignor.js';
import type { WorkSet } from './connect-protocol.js';

/** A member's whole allocation after a round: what it kept, less the revoked, plus the assigned. */
function apply(before: WorkSet | null, round: { assigned: WorkSet; revoked: WorkSet }): WorkSet {
  const out = new Map<string, number[]>();
  for (const [c, ts] of before ?? []) out.set(c, [...ts]);
  for (const [c, ts] of round.revoked)
    out.set(
      c,
      (out.get(c) ?? []).filter((t) => !ts.includes(t)),
    );
  for (const [c, ts] of round.assigned)
    out.set(
      c,
      [...(out.get(c) ?? []), ...ts].sort((a, b) => a - b),
    );
  for (const [c, ts] of out) if (ts.length === 0) out.delete(c);
  return out;
}

const count = (set: WorkSet) => [...set.values()].reduce((n, ts) => n + ts.length, 0);
const work = new Map([
  ['a', 2],
  ['b', 2],
  ['c', 2],
]);

/** Runs rounds as the group would: each member reports its allocation, until no one is revoked. */
function settle(
  assignor: CooperativeAssignor,
  members: Map<string, WorkSet | null>,
  now: number,
): { rounds: number; delay: number } {
  for (let rounds = 1; ; rounds++) {
    const list: AssignorMember[] = [...members].map(([memberId, allocation]) => ({ memberId, allocation }));
    const round = assignor.assign(list, work, now);
    let revoked = false;
    for (const [id, a] of round.assignments) {
      members.set(id, apply(members.get(id) ?? null, a));
      if (count(a.revoked) > 0) revoked = true;
    }
    if (!revoked) return { rounds, delay: round.delay };
  }
}

test('work is spread evenly, connectors and tasks apart, and stays where it runs', () => {
  const assignor = new CooperativeAssignor(0);
  const members = new Map<string, WorkSet | null>([
    ['m1', null],
    ['m2', null],
    ['m3', null],
  ]);
  assert.deepEqual(settle(assignor, members, 0), { rounds: 1, delay: 0 });
  for (const set of members.values()) {
    assert.equal(count(set!), 3);
    assert.equal([...set!.values()].flat().filter((t) => t === -1).length, 1);
  }
  const before = JSON.stringify([...members]);
  settle(assignor, members, 0);
  assert.equal(JSON.stringify([...members]), before, 'a round without changes moves nothing');
});

test('a joining worker gets its share in a second round, after the others revoked it', () => {
  const assignor = new CooperativeAssignor(0);
  const members = new Map<string, WorkSet | null>([
    ['m1', null],
    ['m2', null],
  ]);
  settle(assignor, members, 0);
  members.set('m3', null);
  assert.equal(settle(assignor, members, 0).rounds, 2);
  for (const set of members.values()) assert.equal(count(set!), 3);
});

test('a departed worker’s work is held for scheduled.rebalance.max.delay.ms, then spread over the others', () => {
  const assignor = new CooperativeAssignor(1000);
  const members = new Map<string, WorkSet | null>([
    ['m1', null],
    ['m2', null],
    ['m3', null],
  ]);
  settle(assignor, members, 0);
  members.delete('m3');
  const held = settle(assignor, members, 100);
  assert.equal(held.delay, 1000);
  assert.equal(count(members.get('m1')!) + count(members.get('m2')!), 6, 'nothing moves yet');
  assert.equal(settle(assignor, members, 600).delay, 500);
  assert.equal(settle(assignor, members, 1100).delay, 0);
  assert.equal(count(members.get('m1')!) + count(members.get('m2')!), 9);
});

test('a worker that starts while work is held takes it at once; deleted work is revoked', () => {
  const assignor = new CooperativeAssignor(1000);
  const members = new Map<string, WorkSet | null>([
    ['m1', null],
    ['m2', null],
    ['m3', null],
  ]);
  settle(assignor, members, 0);
  members.delete('m3');
  settle(assignor, members, 10);
  members.set('m4', null);
  settle(assignor, members, 20);
  assert.equal(count(members.get('m4')!), 3);
  const round = assignor.assign(
    [...members].map(([memberId, allocation]) => ({ memberId, allocation })),
    new Map([['a', 2]]),
    30,
  );
  const revoked = [...round.assignments.values()].flatMap((a) => [...a.revoked.keys()]);
  assert.deepEqual([...new Set(revoked)].sort(), ['b', 'c']);
});
