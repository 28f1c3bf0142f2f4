import { parseArgs } from 'node:util';
import type { CliIo } from '../cli-io.js';
import { expectPositionals, parseFlags } from '../parse-flags.js';
import {
  checkNotInternal,
  DATA_DIR_HELP,
  DATA_DIR_OPTIONS,
  resolveTarget,
  targetExists,
  withLog,
} from './data-dir.js';
import type { TopicCommand } from './topic-command.js';

const COMMAND = 'topic delete';

export const deleteTopicCommand: TopicCommand = {
  name: 'delete',
  summary: 'Delete a topic and all its records',
  help: `Usage: sluice topic delete <topic>

Deletes a topic and all its records. There is no undo.

Options:
  --if-exists      Succeed quietly when the topic does not exist
${DATA_DIR_HELP}`,

  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(
      () =>
        parseArgs({
          args,
          allowPositionals: true,
          options: { ...DATA_DIR_OPTIONS, 'if-exists': { type: 'boolean' } },
        }),
      COMMAND,
    );
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const [topic] = expectPositionals(positionals, ['topic'], COMMAND);
    const target = resolveTarget(values, io.env);
    checkNotInternal(target, topic, 'delete');
    if (values['if-exists'] && !targetExists(target)) return 0;
    return withLog(target, topic, async (log) => {
      if (values['if-exists'] && !(await log.hasTopic(topic))) return 0;
      await log.deleteTopic(topic);
      io.stdout.write(`Deleted topic ${topic}.\n`);
      return 0;
    });
  },
};
