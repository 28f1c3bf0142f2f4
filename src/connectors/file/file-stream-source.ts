import { open } from 'node:fs/promises';
import {
  ConfigDef,
  Schemas,
  type SourceConnector,
  type SourceConnectorContext,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
  sourceRecord,
  Validators,
} from '../../connect/api/index.js';

const VERSION = '1.0.0';
const IDLE_WAIT_MS = 1000;

function sourceConfig() {
  return new ConfigDef()
    .define({
      name: 'file',
      type: 'STRING',
      defaultValue: null,
      importance: 'HIGH',
      documentation: 'Source filename. If not specified, the standard input will be used',
    })
    .define({
      name: 'topic',
      type: 'LIST',
      importance: 'HIGH',
      documentation: 'The topic to publish data to',
      validator: (_n, v) => {
        if (!Array.isArray(v) || v.length !== 1)
          throw new Error(
            "'topic' in FileStreamSourceConnector configuration requires definition of a single topic",
          );
      },
    })
    .define({
      name: 'batch.size',
      type: 'INT',
      defaultValue: 2000,
      importance: 'LOW',
      documentation:
        'The maximum number of records the source task can read from the file each time it is polled',
      validator: Validators.atLeast(1),
    });
}

/** Reads a file line by line into a topic, resuming at the byte after the last line written. */
class FileStreamSourceTask implements SourceTask {
  private context!: SourceTaskContext;
  private file = '';
  private topic = '';
  private batchSize = 2000;
  private position = 0;
  private pending = Buffer.alloc(0);
  private started = false;
  private stopped = false;
  private wake: (() => void) | undefined;

  version(): string {
    return VERSION;
  }

  initialize(context: SourceTaskContext): void {
    this.context = context;
  }

  start(props: Readonly<Record<string, string>>): void {
    const config = sourceConfig().parse(props);
    this.file = config.file ?? '';
    this.topic = config.topic[0];
    this.batchSize = config['batch.size'];
    if (this.file === '')
      throw new Error('Reading standard input is not supported by the embedded worker: set file.');
  }

  private idle(): Promise<null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), IDLE_WAIT_MS);
      this.wake = () => {
        clearTimeout(timer);
        resolve(null);
      };
    });
  }

  /**
   * Lines already read come first: a batch that stopped at batch.size leaves some, and they go out
   * whether or not the file grows again. Then the file is read for more.
   */
  async poll(): Promise<SourceRecord[] | null> {
    if (this.stopped) return null;
    if (!this.started) {
      const offset = await this.context.offsetStorageReader.offset({ filename: this.file });
      this.position = typeof offset?.position === 'number' ? offset.position : 0;
      this.started = true;
    }
    const records = this.takeLines(this.batchSize);
    if (records.length >= this.batchSize) return records;
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.file, 'r');
    } catch {
      if (records.length > 0) return records;
      this.context.logger.warn(
        `Couldn't find file ${this.file} for FileStreamSourceTask, sleeping to wait for it to be created`,
      );
      return this.idle();
    }
    try {
      const buf = Buffer.allocUnsafe(64 * 1024);
      const start = this.position + this.pending.length;
      const { bytesRead } = await handle.read(buf, 0, buf.length, start);
      if (bytesRead > 0) this.pending = Buffer.concat([this.pending, buf.subarray(0, bytesRead)]);
    } finally {
      await handle.close();
    }
    records.push(...this.takeLines(this.batchSize - records.length));
    return records.length > 0 ? records : this.idle();
  }

  /** Up to `max` complete lines from what was read, as records; the rest stays for later. */
  private takeLines(max: number): SourceRecord[] {
    const records: SourceRecord[] = [];
    let lineStart = 0;
    for (let i = 0; i < this.pending.length && records.length < max; i++) {
      const c = this.pending[i];
      if (c !== 0x0a && c !== 0x0d) continue;
      const line = this.pending.toString('utf8', lineStart, i);
      // \r\n counts as one line end.
      if (c === 0x0d && this.pending[i + 1] === 0x0a) i++;
      lineStart = i + 1;
      records.push(
        sourceRecord({
          topic: this.topic,
          sourcePartition: { filename: this.file },
          sourceOffset: { position: this.position + lineStart },
          valueSchema: Schemas.STRING,
          value: line,
          timestamp: Date.now(),
        }),
      );
    }
    this.position += lineStart;
    this.pending = this.pending.subarray(lineStart);
    return records;
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }
}

export class FileStreamSourceConnector implements SourceConnector {
  readonly kind = 'source';
  private props: Readonly<Record<string, string>> = {};

  version(): string {
    return VERSION;
  }
  initialize(_context: SourceConnectorContext): void {}
  config(): ConfigDef {
    return sourceConfig();
  }
  start(props: Readonly<Record<string, string>>): void {
    this.config().parse(props);
    this.props = props;
  }
  taskConfigs(): Record<string, string>[] {
    return [{ ...this.props }];
  }
  stop(): void {}
  createTask(): SourceTask {
    return new FileStreamSourceTask();
  }
}
