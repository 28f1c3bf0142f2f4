import type { ConfigDef, ConfigValue, SourceConnector, SourceTask } from '../../connect/api/index.js';
import { DATAGEN_CONFIG_DEF, parseDatagenConfig, validateDatagenConfig } from './datagen-config.js';
import { DATAGEN_VERSION, DatagenTask } from './datagen-task.js';

export const DATAGEN_CLASS = 'io.confluent.kafka.connect.datagen.DatagenConnector';

/** Confluent's Datagen: records from an Avro schema annotated with arg.properties, or a quickstart. */
export class DatagenConnector implements SourceConnector {
  readonly kind = 'source';
  private props: Readonly<Record<string, string>> = {};

  version(): string {
    return DATAGEN_VERSION;
  }

  config(): ConfigDef {
    return DATAGEN_CONFIG_DEF;
  }

  validate(props: Readonly<Record<string, string>>): ConfigValue[] {
    return validateDatagenConfig(props);
  }

  initialize(): void {}

  start(props: Readonly<Record<string, string>>): void {
    parseDatagenConfig(props);
    this.props = { ...props };
  }

  taskConfigs(maxTasks: number): Record<string, string>[] {
    return Array.from({ length: maxTasks }, (_, i) => ({ ...this.props, 'task.id': String(i) }));
  }

  createTask(): SourceTask {
    return new DatagenTask();
  }

  stop(): void {}
}
