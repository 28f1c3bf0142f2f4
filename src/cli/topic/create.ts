import { parseArgs } from 'node:util';
import type { TopicSpec } from '../../log/index.js';
import type { CliIo } from '../cli-io.js';
import { expectPositionals, keyValueFlag, parseFlags, wholeNumberFlag } from '../parse-flags.js';
import { DATA_DIR_HELP, DATA_DIR_OPTIONS, resolveTarget, withLog } from './data-dir.js';
import type { TopicCommand } from './topic-command.js';

const COMMAND = 'topic create';

export const createTopicCommand: TopicCommand = {
  name: 'create',
  summary: 'Create a topic',
  help: `Usage: sluice topic create <topic> [--partitions N] [--config key=value]…

Creates a topic in the data dir.

Options:
  --partitions N       Number of partitions (default 1)
  --replicas N         Copies of each partition: a Kafka cluster's replication factor (default: the
                       cluster's); the embedded log keeps one and refuses more
  --config key=value   A topic config, e.g. retention.ms=86400000 or cleanup.policy=compact (repeatable)
  --if-not-exists      Succeed quietly when the topic already exists
${DATA_DIR_HELP}

Example:
  sluice topic create orders --partitions 3 --config retention.ms=86400000`,

  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(
      () =>
        parseArgs({
          args,
          allowPositionals: true,
          options: {
            ...DATA_DIR_OPTIONS,
            partitions: { type: 'string' },
            replicas: { type: 'string' },
            config: { type: 'string', multiple: true },
            'if-not-exists': { type: 'boolean' },
          },
        }),
      COMMAND,
    );
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const [topic] = expectPositionals(positionals, ['topic'], COMMAND);
    const spec: TopicSpec = {
      partitions:
        values.partitions === undefined
          ? 1
          : wholeNumberFlag(values.partitions, 'partitions', COMMAND, 1, 10_000),
      ...(values.replicas === undefined
        ? {}
        : { replicas: wholeNumberFlag(values.replicas, 'replicas', COMMAND, 1, 32_767) }),
      config: Object.fromEntries((values.config ?? []).map((c) => keyValueFlag(c, 'config', COMMAND))),
    };
    const target = resolveTarget(values, io.env);
    return withLog(target, undefined, async (log) => {
      if (values['if-not-exists'] && (await log.hasTopic(topic))) return 0;
      const created = await log.createTopic(topic, spec);
      const n = created.partitions.length;
      io.stdout.write(`Created topic ${topic} with ${n} partition${n === 1 ? '' : 's'}.\n`);
      return 0;
    });
  },
};
