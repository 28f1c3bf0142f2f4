import type { StatusStore } from './backing-stores.js';
import { Pauser } from './pauser.js';

export type TaskRunState = 'RUNNING' | 'PAUSED' | 'FAILED' | 'STOPPED';

export interface TaskRetrying {
  /** ISO time of the first failure in a row. */
  readonly since: string;
  readonly error: string;
}

/** What both kinds of task runner share: their state, and pausing and resuming with its status. */
export abstract class TaskRunner {
  state: TaskRunState = 'RUNNING';
  trace: string | null = null;
  /** While the task retries what it lost (a database, a server): the last error, and since when. */
  retrying: TaskRetrying | undefined;
  protected readonly pauser = new Pauser();
  protected readonly identity: {
    readonly connector: string;
    readonly taskId: number;
    readonly statuses: StatusStore;
  };

  protected constructor(identity: { connector: string; taskId: number; statuses: StatusStore }) {
    this.identity = identity;
  }

  /** Notes that the task retries (the latest reason; `since` stays that of the first) or recovered (null). */
  noteRetrying(reason: string | null): void {
    if (reason === null) this.retrying = undefined;
    else this.retrying = { since: this.retrying?.since ?? new Date().toISOString(), error: reason };
  }

  abstract start(): void;
  abstract stop(): Promise<void>;

  async pause(): Promise<void> {
    this.pauser.pause();
    if (this.state === 'RUNNING') {
      this.state = 'PAUSED';
      await this.identity.statuses.putTask(this.identity.connector, this.identity.taskId, 'PAUSED');
    }
  }

  async resume(): Promise<void> {
    this.pauser.resume();
    if (this.state === 'PAUSED') {
      this.state = 'RUNNING';
      await this.identity.statuses.putTask(this.identity.connector, this.identity.taskId, 'RUNNING');
    }
  }
}
