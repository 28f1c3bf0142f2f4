import { parseArgs } from 'node:util';
import type { CliIo } from '../cli-io.js';
import { expectPositionals, parseFlags } from '../parse-flags.js';
import { DATA_DIR_HELP, DATA_DIR_OPTIONS, resolveTarget, targetExists, withLog } from './data-dir.js';
import { isInternalTopic, type TopicCommand } from './topic-command.js';

const COMMAND = 'topic list';

export const listTopicsCommand: TopicCommand = {
  name: 'list',
  summary: 'List topics, one per line',
  help: `Usage: sluice topic list [--internal]

Prints the topic names, one per line, sorted.

Options:
  --internal       Also list Sluice's internal topics (__consumer_offsets)
${DATA_DIR_HELP}`,

  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(
      () =>
        parseArgs({
          args,
          allowPositionals: true,
          options: { ...DATA_DIR_OPTIONS, internal: { type: 'boolean' } },
        }),
      COMMAND,
    );
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    expectPositionals(positionals, [], COMMAND);
    const target = resolveTarget(values, io.env);
    // No data dir means no topics; listing should not create one as a side effect.
    if (!targetExists(target)) return 0;
    const names = await withLog(target, undefined, (log) => log.listTopics());
    const shown = values.internal ? names : names.filter((n) => !isInternalTopic(n));
    if (shown.length > 0) io.stdout.write(`${shown.join('\n')}\n`);
    return 0;
  },
};
