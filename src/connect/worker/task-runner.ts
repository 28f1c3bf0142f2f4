import { Pauser } from './pauser.js';
import type { TaskStatusPort } from './task-port.js';

export type TaskRunState = 'RUNNING' | 'PAUSED' | 'FAILED' | 'STOPPED';

export interface TaskRetrying {
  /** ISO time of the first failure in a row. */
  readonly since: string;
  readonly error: string;
}

/**
 * What a task has done since it started, counted per batch (no allocation per record): records in
 * (polled from a source task, read from a sink's topics), records out (written to topics, delivered
 * to put), when the last record came in (ms, 0 before any), records skipped or reported as failed,
 * and records written to the dead-letter topic.
 */
export interface TaskCounters {
  recordsIn: number;
  recordsOut: number;
  lastRecordAt: number;
  errors: number;
  deadLettered: number;
}

/** What both kinds of task runner share: their state, and pausing and resuming with its status. */
export abstract class TaskRunner {
  state: TaskRunState = 'RUNNING';
  trace: string | null = null;
  /** While the task retries what it lost (a database, a server): the last error, and since when. */
  retrying: TaskRetrying | undefined;
  readonly counters: TaskCounters = {
    recordsIn: 0,
    recordsOut: 0,
    lastRecordAt: 0,
    errors: 0,
    deadLettered: 0,
  };
  protected readonly pauser = new Pauser();
  private settleStart: (failure: unknown) => void = () => {};
  /**
   * Settles once the task's own start (and a sink's open) returned: with undefined, or with the
   * error it failed with; SQL's CREATE waits on it so it never reports a task that failed to start.
   */
  readonly started: Promise<unknown> = new Promise((resolve) => {
    this.settleStart = resolve;
  });
  protected readonly identity: {
    readonly connector: string;
    readonly taskId: number;
    readonly statuses: TaskStatusPort;
  };

  protected constructor(identity: { connector: string; taskId: number; statuses: TaskStatusPort }) {
    this.identity = identity;
  }

  /** Notes that the task retries (the latest reason; `since` stays that of the first) or recovered (null). */
  noteRetrying(reason: string | null): void {
    if (reason === null) this.retrying = undefined;
    else this.retrying = { since: this.retrying?.since ?? new Date().toISOString(), error: reason };
  }

  /** The task started; a later failure does not change what `started` said. */
  protected startSucceeded(): void {
    this.settleStart(undefined);
  }

  /** The task failed (or stopped) before it started. */
  protected startFailed(err: unknown): void {
    this.settleStart(err);
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
