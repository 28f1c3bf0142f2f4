import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import {
  ConfigDef,
  type SinkConnector,
  type SinkConnectorContext,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  Struct,
} from '../../connect/api/index.js';

const VERSION = '1.0.0';

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Struct) {
    const fields = (value.schema.fields ?? []).map((f) => `${f.name}=${String(value.get(f.name))}`);
    return `Struct{${fields.join(',')}}`;
  }
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${k}=${v}`).join(', ')}}`;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (typeof value === 'object' && value !== null)
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
  return String(value);
}

/** Appends each record's value as a line of a file; what was written is flushed before offsets are committed. */
class FileStreamSinkTask implements SinkTask {
  private fd: number | undefined;

  version(): string {
    return VERSION;
  }
  initialize(_context: SinkTaskContext): void {}

  start(props: Readonly<Record<string, string>>): void {
    const file = props.file ?? '';
    if (file === '')
      throw new Error('Writing to standard output is not supported by the embedded worker: set file.');
    this.fd = openSync(file, 'a');
  }

  /**
   * Appends the batch with one synchronous write, as Kafka's FileStream sink writes through a
   * blocking stream: a batch is a few hundred kilobytes, cheaper written than handed to a thread.
   */
  async put(records: readonly SinkRecord[]): Promise<void> {
    if (this.fd === undefined) return;
    let chunk = '';
    for (const r of records) chunk += `${text(r.value)}\n`;
    const bytes = Buffer.from(chunk, 'utf8');
    for (let written = 0; written < bytes.length; ) written += writeSync(this.fd, bytes, written);
  }

  /** Offsets are committed only after what was put is on disk. */
  async flush(): Promise<void> {
    if (this.fd !== undefined) fdatasyncSync(this.fd);
  }

  stop(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

export class FileStreamSinkConnector implements SinkConnector {
  readonly kind = 'sink';
  private props: Readonly<Record<string, string>> = {};

  version(): string {
    return VERSION;
  }
  initialize(_context: SinkConnectorContext): void {}
  config(): ConfigDef {
    return new ConfigDef().define({
      name: 'file',
      type: 'STRING',
      defaultValue: null,
      importance: 'HIGH',
      documentation: 'Destination filename. If not specified, the standard output will be used',
    });
  }
  start(props: Readonly<Record<string, string>>): void {
    this.props = props;
  }
  taskConfigs(maxTasks: number): Record<string, string>[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }
  stop(): void {}
  createTask(): SinkTask {
    return new FileStreamSinkTask();
  }
}
