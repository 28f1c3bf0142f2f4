import { usageError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { consumeCommand } from './consume.js';
import { createTopicCommand } from './create.js';
import { deleteTopicCommand } from './delete.js';
import { describeTopicCommand } from './describe.js';
import { listTopicsCommand } from './list.js';
import { produceCommand } from './produce.js';
import type { TopicCommand } from './topic-command.js';

export const TOPIC_COMMANDS: readonly TopicCommand[] = [
  createTopicCommand,
  listTopicsCommand,
  describeTopicCommand,
  deleteTopicCommand,
  produceCommand,
  consumeCommand,
];

export function topicHelp(): string {
  const width = Math.max(...TOPIC_COMMANDS.map((c) => c.name.length));
  return `Usage: sluice topic <command> [options]

Works on the topics of a data dir directly (the server must not be running on it).

Commands:
${TOPIC_COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run 'sluice topic <command> --help' for a command's options.`;
}

/** `sluice topic <command> …` */
export async function runTopicCommand(args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) throw usageError('Missing the topic command.', 'topic');
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${topicHelp()}\n`);
    return 0;
  }
  const command = TOPIC_COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    throw usageError(
      `Unknown topic command '${name}'. Commands: ${TOPIC_COMMANDS.map((c) => c.name).join(', ')}.`,
      'topic',
    );
  }
  return command.run(rest, io);
}
