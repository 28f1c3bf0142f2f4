import { parseArgs } from 'node:util';
import { TOPIC_CONFIG_DEFAULTS, type TopicDescription } from '../../log/index.js';
import type { CliIo } from '../cli-io.js';
import { expectPositionals, parseFlags } from '../parse-flags.js';
import { DATA_DIR_HELP, DATA_DIR_OPTIONS, resolveTarget, withLog } from './data-dir.js';
import type { TopicCommand } from './topic-command.js';

const COMMAND = 'topic describe';

export const describeTopicCommand: TopicCommand = {
  name: 'describe',
  summary: 'Show partitions (offsets, sizes, segments) and non-default configs',
  help: `Usage: sluice topic describe <topic> [--json]

Shows each partition's beginning and end offsets, size and segment count, and the topic's configs
that differ from the defaults.

Options:
  --json           Print one JSON object instead of a table
${DATA_DIR_HELP}`,

  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(
      () =>
        parseArgs({
          args,
          allowPositionals: true,
          options: { ...DATA_DIR_OPTIONS, json: { type: 'boolean' } },
        }),
      COMMAND,
    );
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const [topic] = expectPositionals(positionals, ['topic'], COMMAND);
    const target = resolveTarget(values, io.env);
    const description = await withLog(target, topic, (log) => log.describeTopic(topic));
    const config = nonDefaultConfig(description.config);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ ...description, config })}\n`);
    } else {
      // A Kafka cluster keeps partition sizes and segments to itself (DescribeLogDirs is not asked).
      io.stdout.write(formatDescription(description, config, !('bootstrapServers' in target)));
    }
    return 0;
  },
};

/** The configs a user set (or that differ from Kafka's defaults); the rest is noise in a description. */
export function nonDefaultConfig(config: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(config).sort()) {
    if (TOPIC_CONFIG_DEFAULTS[key] !== config[key]) out[key] = config[key];
  }
  return out;
}

export function formatDescription(
  d: TopicDescription,
  config: Readonly<Record<string, string>>,
  sizesKnown = true,
): string {
  const entries = Object.entries(config);
  const lines = [
    `Topic: ${d.name}`,
    `Partitions: ${d.partitions.length}`,
    entries.length === 0
      ? 'Configs: all defaults'
      : `Configs (non-default): ${entries.map(([k, v]) => `${k}=${v}`).join(', ')}`,
    '',
    ...formatTable([
      ['Partition', 'Beginning offset', 'End offset', 'Size (bytes)', 'Segments'],
      ...d.partitions.map((p) =>
        [
          p.partition,
          p.beginningOffset,
          p.endOffset,
          ...(sizesKnown ? [p.sizeBytes, p.segments] : ['-', '-']),
        ].map(String),
      ),
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

/** Left-aligned columns two spaces apart; the first row is the header. */
function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}
