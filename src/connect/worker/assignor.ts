import { CONNECTOR_TASK, type WorkSet } from './connect-protocol.js';

/**
 * The leader's incremental cooperative assignment (KIP-415, Kafka Connect's
 * IncrementalCooperativeAssignor, simplified): work stays where it runs; deleted, duplicated and
 * (for balance) excess work is revoked, and handed out in the next round, after its owners stopped
 * it; work of a worker that left is held for it up to scheduled.rebalance.max.delay.ms, then spread
 * over the others; new work goes to the least-loaded workers, connectors and tasks balanced apart.
 */

/** One connector instance or task: `name` and task id (-1 for the connector). */
interface Work {
  readonly connector: string;
  readonly task: number;
}

const keyOf = (w: Work) => `${w.task}\u0000${w.connector}`;
/** No member id is empty-prefixed with a NUL: stands for a worker that left. */
const DEPARTED = '\u0000departed';

export interface AssignorMember {
  readonly memberId: string;
  /** What it runs now (from its metadata), null before its first assignment. */
  readonly allocation: WorkSet | null;
}

export interface MemberAssignment {
  readonly assigned: WorkSet;
  readonly revoked: WorkSet;
}

export interface AssignmentRound {
  readonly assignments: ReadonlyMap<string, MemberAssignment>;
  /** Milliseconds until lost work is released (0: none held). */
  readonly delay: number;
}

function toList(set: WorkSet | null): Work[] {
  const out: Work[] = [];
  for (const [connector, tasks] of set ?? []) for (const task of tasks) out.push({ connector, task });
  return out;
}

function toSet(list: readonly Work[]): WorkSet {
  const out = new Map<string, number[]>();
  for (const w of list) {
    const tasks = out.get(w.connector) ?? [];
    tasks.push(w.task);
    out.set(w.connector, tasks);
  }
  return out;
}

/** The leader's memory between rounds: who ran what, and the deadline of work held for a departed worker. */
export class CooperativeAssignor {
  /** Who ran each piece of work after the last round (DEPARTED: held for a worker that left). */
  private previous = new Map<string, string>();
  private heldUntil: number | undefined;
  private readonly maxDelayMs: number;

  constructor(maxDelayMs: number) {
    this.maxDelayMs = maxDelayMs;
  }

  /**
   * One round. `work` is every connector and its tasks now in the config topic (task count per
   * connector); `now` is the clock, for the delay.
   */
  assign(
    members: readonly AssignorMember[],
    work: ReadonlyMap<string, number>,
    now: number,
  ): AssignmentRound {
    const sorted = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
    const all = new Map<string, Work>();
    for (const [connector, tasks] of work) {
      all.set(keyOf({ connector, task: CONNECTOR_TASK }), { connector, task: CONNECTOR_TASK });
      for (let task = 0; task < tasks; task++) all.set(keyOf({ connector, task }), { connector, task });
    }
    const owned = new Map<string, Work[]>();
    const revoked = new Map<string, Work[]>();
    const ownerOf = new Map<string, string>();
    for (const m of sorted) {
      const keep: Work[] = [];
      const drop: Work[] = [];
      for (const w of toList(m.allocation)) {
        const k = keyOf(w);
        // Deleted (or a task beyond the new count), or already run by another member: revoked.
        if (!all.has(k) || ownerOf.has(k)) drop.push(w);
        else {
          keep.push(w);
          ownerOf.set(k, m.memberId);
        }
      }
      owned.set(m.memberId, keep);
      revoked.set(m.memberId, drop);
    }
    // Work the previous round gave to members that are gone, and that no one runs now.
    const present = new Set(sorted.map((m) => m.memberId));
    const lost = [...this.previous]
      .filter(([k, owner]) => all.has(k) && !ownerOf.has(k) && !present.has(owner))
      .map(([k]) => k);
    let delay = 0;
    const held = new Set<string>();
    // A worker that has just started (no allocation yet) takes the held work at once: it may be the
    // one that left, back again.
    const newcomer = sorted.some((m) => m.allocation === null);
    if (lost.length > 0 && this.maxDelayMs > 0 && !newcomer) {
      this.heldUntil ??= now + this.maxDelayMs;
      if (now < this.heldUntil) {
        delay = this.heldUntil - now;
        for (const k of lost) held.add(k);
      } else this.heldUntil = undefined;
    } else this.heldUntil = undefined;
    const unassigned = [...all].filter(([k]) => !ownerOf.has(k) && !held.has(k)).map(([, w]) => w);
    const assigned = new Map<string, Work[]>(sorted.map((m) => [m.memberId, []]));
    // Connectors and tasks are balanced apart, as Kafka Connect does.
    for (const isConnector of [true, false]) {
      const kind = (w: Work) => (w.task === CONNECTOR_TASK) === isConnector;
      const load = (id: string) => owned.get(id)!.filter(kind).length + assigned.get(id)!.filter(kind).length;
      const total = [...all.values()].filter(kind).length - [...held].filter((k) => kind(all.get(k)!)).length;
      const ceiling = Math.ceil(total / Math.max(1, sorted.length));
      const floor = Math.floor(total / Math.max(1, sorted.length));
      // Excess is revoked only when some member is below its share (a new or emptied member).
      if (sorted.some((m) => load(m.memberId) < floor)) {
        for (const m of sorted) {
          const mine = owned.get(m.memberId)!;
          let excess = load(m.memberId) - ceiling;
          for (let i = mine.length - 1; i >= 0 && excess > 0; i--) {
            if (!kind(mine[i])) continue;
            revoked.get(m.memberId)!.push(mine[i]);
            ownerOf.delete(keyOf(mine[i]));
            mine.splice(i, 1);
            excess--;
          }
        }
      }
      const revokedNow = new Set([...revoked.values()].flat().map(keyOf));
      for (const w of unassigned.filter(kind)) {
        // Work revoked this round is handed out in the next, once its owner has stopped it.
        if (revokedNow.has(keyOf(w)) || sorted.length === 0) continue;
        const target = sorted.reduce((best, m) => (load(m.memberId) < load(best.memberId) ? m : best));
        assigned.get(target.memberId)!.push(w);
      }
    }
    this.previous = new Map();
    for (const m of sorted)
      for (const w of [...owned.get(m.memberId)!, ...assigned.get(m.memberId)!])
        this.previous.set(keyOf(w), m.memberId);
    // Held work stays remembered under its departed owner until it is released.
    for (const k of held) this.previous.set(k, DEPARTED);
    return {
      assignments: new Map(
        sorted.map((m) => [
          m.memberId,
          { assigned: toSet(assigned.get(m.memberId)!), revoked: toSet(revoked.get(m.memberId)!) },
        ]),
      ),
      delay,
    };
  }
}
