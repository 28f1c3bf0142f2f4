// Slows password guessing: after too many failed logins from one client address, or for one user
// name, further attempts are refused without checking the password until a quiet period passes.

export interface FailedLoginLimits {
  /** Failed attempts admitted per address and per user within `windowMs`; 0 turns the limit off. */
  readonly maxFailures: number;
  /** How long failures are remembered, and how long a refusal lasts after the last one. */
  readonly windowMs: number;
}

interface Failures {
  /** When each remembered failure happened, oldest first. */
  times: number[];
}

/** Addresses and users remembered at most, so a flood of made-up names cannot fill the memory. */
const MAX_TRACKED = 10_000;

export class FailedLoginLimiter {
  readonly limits: FailedLoginLimits;
  private readonly byAddress = new Map<string, Failures>();
  private readonly byUser = new Map<string, Failures>();
  private readonly now: () => number;

  constructor(limits: FailedLoginLimits, now: () => number = Date.now) {
    this.limits = limits;
    this.now = now;
  }

  /**
   * Milliseconds until the address or the user may try again, or 0 when it may now; `what` says
   * which limit refused.
   */
  blocked(address: string, user: string | undefined): { retryAfterMs: number; what: string } | undefined {
    if (this.limits.maxFailures <= 0) return undefined;
    const now = this.now();
    const byAddress = this.wait(this.byAddress, address, now);
    const byUser = user === undefined ? 0 : this.wait(this.byUser, user, now);
    if (byAddress === 0 && byUser === 0) return undefined;
    return byAddress >= byUser
      ? { retryAfterMs: byAddress, what: `from ${address}` }
      : { retryAfterMs: byUser, what: `for user '${user}'` };
  }

  recordFailure(address: string, user: string | undefined): void {
    if (this.limits.maxFailures <= 0) return;
    const now = this.now();
    this.add(this.byAddress, address, now);
    if (user !== undefined) this.add(this.byUser, user, now);
  }

  /** A user who logs in is not held back by guesses at their name; the address's count stays. */
  recordSuccess(user: string): void {
    this.byUser.delete(user);
  }

  private wait(map: Map<string, Failures>, key: string, now: number): number {
    const entry = map.get(key);
    if (entry === undefined) return 0;
    this.forget(entry, now);
    if (entry.times.length === 0) {
      map.delete(key);
      return 0;
    }
    if (entry.times.length < this.limits.maxFailures) return 0;
    return Math.max(1, entry.times[entry.times.length - 1] + this.limits.windowMs - now);
  }

  private add(map: Map<string, Failures>, key: string, now: number): void {
    let entry = map.get(key);
    if (entry === undefined) {
      if (map.size >= MAX_TRACKED) {
        // The oldest key first (a Map keeps insertion order).
        const oldest = map.keys().next().value;
        if (oldest !== undefined) map.delete(oldest);
      }
      entry = { times: [] };
      map.set(key, entry);
    }
    this.forget(entry, now);
    entry.times.push(now);
    // Only the last maxFailures matter for the decision.
    if (entry.times.length > this.limits.maxFailures) entry.times.shift();
  }

  private forget(entry: Failures, now: number): void {
    // A refusal lasts a window after the last failure: while refused, nothing is forgotten.
    const last = entry.times[entry.times.length - 1];
    if (last !== undefined && now - last >= this.limits.windowMs) entry.times.length = 0;
    else
      while (
        entry.times.length > 0 &&
        entry.times.length < this.limits.maxFailures &&
        now - entry.times[0] >= this.limits.windowMs
      )
        entry.times.shift();
  }
}
