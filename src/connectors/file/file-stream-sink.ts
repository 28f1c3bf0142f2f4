import { type FileHandle, open } from 'node:fs/promises';
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
  private handle: FileHandle | undefined;
  private buffered: string[] = [];

  version(): string {
    return VERSION;
  }
  initialize(_context: SinkTaskContext): void {}

  async start(props: Readonly<Record<string, string>>): Promise<void> {
    const file = props.file ?? '';
    if (file === '')
      throw new Error('Writing to standard output is not supported by the embedded worker: set file.');
    this.handle = await open(file, 'a');
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    let chunk = '';
    for (const r of records) chunk += `${text(r.value)}\n`;
    this.buffered.push(chunk);
    // Written at once so a crash loses at most what was not yet committed (it is then redelivered).
    await this.write();
  }

  private async write(): Promise<void> {
    if (this.buffered.length === 0 || this.handle === undefined) return;
    const chunk = this.buffered.join('');
    this.buffered = [];
    await this.handle.appendFile(chunk, 'utf8');
  }

  async flush(): Promise<void> {
    await this.write();
    await this.handle?.datasync();
  }

  async stop(): Promise<void> {
    await this.write();
    await this.handle?.close();
    this.handle = undefined;
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
