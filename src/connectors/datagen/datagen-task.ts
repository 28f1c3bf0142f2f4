import {
  ConfigDef,
  type ConnectHeader,
  Schemas,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
  Struct,
  sourceRecord,
} from '../../connect/api/index.js';
import { compileAvroSchema, type GeneratedType } from './compile-avro.js';
import { type DatagenSettings, parseDatagenConfig } from './datagen-config.js';
import { SeededRandom } from './seeded-random.js';

export const DATAGEN_VERSION = '0.6.5';

/** What the task needs from the world; tests pass a sleep that only records its argument. */
export interface DatagenTaskEnvironment {
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Uniform in [0, 1), for the wait only: `random.seed` fixes data, not timing. */
  jitter(): number;
}

const realEnvironment: DatagenTaskEnvironment = {
  jitter: Math.random,
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

/** Records per poll when max.interval is 0: no wait between records, so batch them. */
const UNTHROTTLED_BATCH = 1000;

function numberIn(offset: SourceOffset, key: string): number | null {
  const v = offset[key];
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
}

/** The key the connector adds to each task's config: which of its tasks this is. */
const TASK_CONFIG = new ConfigDef().define({
  name: 'task.id',
  type: 'INT',
  defaultValue: 0,
  importance: 'LOW',
  documentation: "Which of the connector's tasks this is (set by the connector, not by users).",
});

export class DatagenTask implements SourceTask {
  private context: SourceTaskContext | undefined;
  private settings: DatagenSettings | undefined;
  private generator: GeneratedType | undefined;
  private random = new SeededRandom(0);
  private partition: SourcePartition = {};
  private taskId = 0;
  private generation = 0;
  private count = 0;
  private readonly environment: DatagenTaskEnvironment;
  private stopping = new AbortController();

  constructor(environment: DatagenTaskEnvironment = realEnvironment) {
    this.environment = environment;
  }

  version(): string {
    return DATAGEN_VERSION;
  }

  initialize(context: SourceTaskContext): void {
    this.context = context;
  }

  async start(props: Readonly<Record<string, string>>): Promise<void> {
    this.settings = parseDatagenConfig(props);
    this.taskId = TASK_CONFIG.parse(props)['task.id'];
    this.partition = { 'task.id': this.taskId };
    this.stopping = new AbortController();
    const stored = (await this.context?.offsetStorageReader.offset(this.partition)) ?? null;
    const storedSeed = stored === null ? null : numberIn(stored, 'random.seed');
    if (stored !== null && storedSeed !== null) {
      // Resume: counters continue and the next record uses the seed the last one left.
      this.generation = numberIn(stored, 'task.generation') ?? 0;
      this.count = numberIn(stored, 'current.iteration') ?? 0;
      this.random = new SeededRandom(storedSeed);
    } else {
      this.random = new SeededRandom(this.settings.seed ?? Math.floor(Math.random() * 2 ** 53));
      // Each task moves task.id seeds along, so tasks with one random.seed differ.
      for (let i = 0; i < this.taskId; i++) this.random.setSeed(this.random.nextSeed());
    }
    this.generator = compileAvroSchema(this.settings.schema, this.random, this.count);
  }

  async poll(): Promise<SourceRecord[] | null> {
    const { settings, generator } = this;
    if (settings === undefined || generator === undefined)
      throw new Error('The Datagen task was polled before it started.');
    const batchSize = settings.maxIntervalMs > 0 ? 1 : UNTHROTTLED_BATCH;
    const batch: SourceRecord[] = [];
    while (batch.length < batchSize && !this.stopping.signal.aborted) {
      // Hand over what this poll made before the iterations limit fails the next one.
      if (batch.length > 0 && settings.iterations > 0 && this.count >= settings.iterations) break;
      if (settings.maxIntervalMs > 0) {
        await this.environment.sleep(
          Math.floor(settings.maxIntervalMs * this.environment.jitter()),
          this.stopping.signal,
        );
        if (this.stopping.signal.aborted) break;
      }
      batch.push(this.nextRecord(settings, generator));
    }
    return batch.length > 0 ? batch : null;
  }

  private nextRecord(settings: DatagenSettings, generator: GeneratedType): SourceRecord {
    if (settings.iterations > 0 && this.count >= settings.iterations) {
      throw new Error(
        `Stopping connector: generated the configured ${settings.iterations} number of messages`,
      );
    }
    const value = generator.generate();
    let key: SourceRecord['key'] = null;
    let keySchema = null;
    if (settings.keyField !== null && value instanceof Struct) {
      key = value.get(settings.keyField);
      keySchema = value.schema.fields?.find((f) => f.name === settings.keyField)?.schema ?? null;
    }
    const iteration = this.count;
    this.count++;
    const seed = this.random.nextSeed();
    this.random.setSeed(seed);
    const header = (k: string, v: number): ConnectHeader => ({ key: k, schema: Schemas.INT64, value: v });
    return sourceRecord({
      topic: settings.topic,
      sourcePartition: this.partition,
      sourceOffset: {
        'task.generation': this.generation,
        'current.iteration': this.count,
        'random.seed': seed,
      },
      keySchema,
      key,
      valueSchema: generator.schema,
      value,
      headers: [
        header('task.generation', this.generation),
        header('task.id', this.taskId),
        header('current.iteration', iteration),
      ],
    });
  }

  stop(): void {
    this.stopping.abort();
  }
}
