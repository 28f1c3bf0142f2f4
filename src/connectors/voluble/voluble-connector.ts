import type {
  ConfigDef,
  ConfigValue,
  SourceConnector,
  SourceConnectorContext,
  SourceTask,
} from '../../connect/api/index.js';
import { parseValidVolubleConfig, VOLUBLE_CONFIG_DEF, validateVolubleConfig } from './voluble-config.js';
import { VOLUBLE_VERSION, VolubleSourceTask } from './voluble-task.js';

export const VOLUBLE_CLASS = 'io.mdrogalis.voluble.VolubleSourceConnector';

/**
 * Voluble: realistic fake data for many topics from Java Faker expressions, with keys and values
 * that refer to each other. Unlike upstream, a bad config fails at validate (CREATE time) rather
 * than as a FAILED task.
 */
export class VolubleSourceConnector implements SourceConnector {
  readonly kind = 'source';
  private props: Readonly<Record<string, string>> = {};
  private context: SourceConnectorContext | undefined;

  version(): string {
    return VOLUBLE_VERSION;
  }

  config(): ConfigDef {
    return VOLUBLE_CONFIG_DEF;
  }

  validate(props: Readonly<Record<string, string>>): ConfigValue[] {
    return validateVolubleConfig(props);
  }

  initialize(context: SourceConnectorContext): void {
    this.context = context;
  }

  start(props: Readonly<Record<string, string>>): void {
    parseValidVolubleConfig(props);
    this.props = { ...props };
    this.context?.logger.info(
      `Voluble generating ${Object.keys(props).filter((k) => k.startsWith('gen')).length} generator keys.`,
    );
  }

  /** Identical copies, as upstream: each task generates every topic (N tasks, N times the data). */
  taskConfigs(maxTasks: number): Record<string, string>[] {
    return Array.from({ length: maxTasks }, (_, i) => ({ ...this.props, 'task.id': String(i) }));
  }

  createTask(): SourceTask {
    return new VolubleSourceTask();
  }

  stop(): void {}
}
