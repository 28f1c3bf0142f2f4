import {
  ConfigDef,
  type ConnectHeader,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
} from '../../connect/api/index.js';
import { createRandomSource } from './random-source.js';
import { parseValidVolubleConfig } from './voluble-config.js';
import { VolubleGenerator } from './voluble-generator.js';

export const VOLUBLE_VERSION = '0.3.0';

/** What the task needs from the world; tests pass a fake clock and sleep. */
export interface VolubleTaskEnvironment {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface VolubleTaskOptions {
  readonly environment?: VolubleTaskEnvironment;
  /** Records per poll at most; upstream returns one. */
  readonly batchSize?: number;
  /** Longest a poll waits for a throttled topic, so pause and stop take effect. */
  readonly maxWaitMs?: number;
}

const realEnvironment: VolubleTaskEnvironment = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    }),
};

/** The source partition of one topic's records from one task: its offset counts what was emitted. */
export function volublePartition(topic: string, taskId: number): SourcePartition {
  return { 'voluble.topic': topic, 'task.id': taskId };
}

function emittedFrom(offset: SourceOffset | null): number {
  const n = offset?.emitted;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/**
 * Generates every topic of the config. Offsets count each topic's records so that
 * `records.exactly` holds across restarts (history is not restored: upstream commits nothing).
 */
/** The key the connector adds to each task's config: which of its tasks this is. */
const TASK_CONFIG = new ConfigDef().define({
  name: 'task.id',
  type: 'INT',
  defaultValue: 0,
  importance: 'LOW',
  documentation: "Which of the connector's tasks this is (set by the connector, not by users).",
});

export class VolubleSourceTask implements SourceTask {
  private context: SourceTaskContext | undefined;
  private generator: VolubleGenerator | undefined;
  private taskId = 0;
  private readonly environment: VolubleTaskEnvironment;
  private readonly batchSize: number;
  private readonly maxWaitMs: number;
  private stopping = new AbortController();

  constructor(options: VolubleTaskOptions = {}) {
    this.environment = options.environment ?? realEnvironment;
    this.batchSize = options.batchSize ?? 1000;
    this.maxWaitMs = options.maxWaitMs ?? 1000;
  }

  version(): string {
    return VOLUBLE_VERSION;
  }

  initialize(context: SourceTaskContext): void {
    this.context = context;
  }

  async start(props: Readonly<Record<string, string>>): Promise<void> {
    const spec = parseValidVolubleConfig(props);
    this.taskId = TASK_CONFIG.parse(props)['task.id'];
    this.stopping = new AbortController();
    const partitions = spec.topics.map((t) => volublePartition(t.name, this.taskId));
    const stored = this.context ? await this.context.offsetStorageReader.offsets(partitions) : new Map();
    const emitted = new Map<string, number>();
    spec.topics.forEach((t, i) => {
      emitted.set(t.name, emittedFrom(stored.get(partitions[i]) ?? null));
    });
    const random = createRandomSource(spec.seed === null ? null : spec.seed + this.taskId);
    this.generator = new VolubleGenerator(spec, random, emitted);
  }

  /** One partition object per topic, shared by its records (the worker keys offsets by it). */
  private readonly partitions = new Map<string, SourcePartition>();

  private partitionOf(topic: string): SourcePartition {
    let partition = this.partitions.get(topic);
    if (partition === undefined) {
      partition = volublePartition(topic, this.taskId);
      this.partitions.set(topic, partition);
    }
    return partition;
  }

  async poll(): Promise<SourceRecord[] | null> {
    const generator = this.generator;
    if (generator === undefined) throw new Error('The Voluble task was polled before it started.');
    const batch: SourceRecord[] = [];
    let waited = false;
    while (batch.length < this.batchSize && !this.stopping.signal.aborted) {
      const now = this.environment.now();
      const step = generator.next(now);
      if (step.kind === 'record') {
        // Every field spelled out (not sourceRecord's spread of defaults): one record per step.
        batch.push({
          topic: step.topic,
          kafkaPartition: null,
          sourcePartition: this.partitionOf(step.topic),
          sourceOffset: { emitted: step.emitted },
          keySchema: step.keySchema,
          key: step.key,
          valueSchema: step.valueSchema,
          value: step.value,
          timestamp: null,
          headers: NO_HEADERS,
        });
        continue;
      }
      if (batch.length > 0 || waited) break;
      // Nothing due (throttled) or nothing left (records.exactly reached): wait once, then let the
      // worker call again, so the task neither spins nor holds up pause and stop.
      waited = true;
      const waitMs = step.kind === 'wait' ? Math.min(step.untilMs - now, this.maxWaitMs) : this.maxWaitMs;
      await this.environment.sleep(Math.max(0, waitMs), this.stopping.signal);
      if (step.kind === 'exhausted') break;
    }
    return batch.length > 0 ? batch : null;
  }

  stop(): void {
    this.stopping.abort();
  }
}

const NO_HEADERS: readonly ConnectHeader[] = Object.freeze([]);
