/** Lets a task loop wait while paused, without polling. */
export class Pauser {
  paused = false;
  private waiters: (() => void)[] = [];

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }

  wait(): Promise<void> {
    if (!this.paused) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
