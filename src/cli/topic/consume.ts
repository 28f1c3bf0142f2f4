import { parseArgs } from 'node:util';
import { Consumer, type Log } from '../../log/index.js';
import { CliError, usageError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { OutputWriter } from '../output-writer.js';
import { expectPositionals, parseFlags, wholeNumberFlag } from '../parse-flags.js';
import { watchStopSignals } from '../stop-signals.js';
import { DATA_DIR_HELP, DATA_DIR_OPTIONS, resolveTarget, withLog } from './data-dir.js';
import { formatRecord, type RecordFormat } from './record-format.js';
import type { TopicCommand } from './topic-command.js';

const COMMAND = 'topic consume';
const RECORDS_PER_READ = 10_000;

export const consumeCommand: TopicCommand = {
  name: 'consume',
  summary: 'Print records, one per line',
  help: `Usage: sluice topic consume <topic> [--from-beginning] [--max-messages N] [--timeout-ms MS] [--group G] …

Prints the topic's records, one per line (the value as UTF-8 text), from all partitions, and waits
for more until Ctrl-C, --max-messages or --timeout-ms.

Where it starts: at --offset when given; otherwise at the group's committed offset (with --group);
otherwise at the beginning with --from-beginning, else at the end (only new records).

Options:
  --from-beginning     Start at the earliest record when there is no committed offset
  --max-messages N     Stop after N records
  --timeout-ms MS      Stop when no record arrives for MS milliseconds
  --group G            Consumer group: start at its committed offsets, commit the next ones on stop
  --partition P        Read only partition P
  --offset O           Start partition P at offset O (a number, earliest or latest); needs --partition
  --print-key          Print the key before the value
  --key-separator SEP  Between key and value with --print-key (default: a tab)
  --json               Print one JSON object per record: topic, partition, offset, timestamp, key,
                       value, headers (text when valid UTF-8, else {"base64": "…"})
${DATA_DIR_HELP}

Examples:
  sluice topic consume orders --from-beginning --max-messages 10
  sluice topic consume orders --group audit --json --timeout-ms 1000`,

  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(
      () =>
        parseArgs({
          args,
          allowPositionals: true,
          options: {
            ...DATA_DIR_OPTIONS,
            'from-beginning': { type: 'boolean' },
            'max-messages': { type: 'string' },
            'timeout-ms': { type: 'string' },
            group: { type: 'string' },
            partition: { type: 'string' },
            offset: { type: 'string' },
            'print-key': { type: 'boolean' },
            'key-separator': { type: 'string' },
            json: { type: 'boolean' },
          },
        }),
      COMMAND,
    );
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const [topic] = expectPositionals(positionals, ['topic'], COMMAND);
    const offset = values.offset === undefined ? undefined : parseStartOffset(values.offset);
    if (offset !== undefined && values.partition === undefined) {
      throw usageError(
        '--offset needs --partition: an offset means something only within one partition.',
        COMMAND,
      );
    }
    if (offset !== undefined && values['from-beginning']) {
      throw usageError('Use either --offset or --from-beginning, not both.', COMMAND);
    }
    if (values.group !== undefined && values.group.length === 0) {
      throw usageError('--group must not be empty.', COMMAND);
    }
    const options: ConsumeOptions = {
      topic,
      fromBeginning: values['from-beginning'] === true,
      maxMessages:
        values['max-messages'] === undefined
          ? undefined
          : wholeNumberFlag(values['max-messages'], 'max-messages', COMMAND, 1),
      timeoutMs:
        values['timeout-ms'] === undefined
          ? undefined
          : wholeNumberFlag(values['timeout-ms'], 'timeout-ms', COMMAND),
      group: values.group,
      partition:
        values.partition === undefined ? undefined : wholeNumberFlag(values.partition, 'partition', COMMAND),
      offset,
      format: {
        json: values.json === true,
        printKey: values['print-key'] === true,
        keySeparator: values['key-separator'] ?? '\t',
      },
    };
    const target = resolveTarget(values, io.env);
    const processed = await withLog(target, topic, (log) => consume(log, options, io));
    io.stderr.write(`Processed a total of ${processed} message${processed === 1 ? '' : 's'}\n`);
    return 0;
  },
};

type StartOffset = number | 'earliest' | 'latest';

interface ConsumeOptions {
  readonly topic: string;
  readonly fromBeginning: boolean;
  readonly maxMessages: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly group: string | undefined;
  readonly partition: number | undefined;
  readonly offset: StartOffset | undefined;
  readonly format: RecordFormat;
}

function parseStartOffset(value: string): StartOffset {
  if (value === 'earliest' || value === 'latest') return value;
  return wholeNumberFlag(value, 'offset', COMMAND);
}

/** Reads until a stop condition; commits the group's next offsets; returns how many records it printed. */
async function consume(log: Log, o: ConsumeOptions, io: CliIo): Promise<number> {
  const consumer = await startConsumer(log, o);
  const stop = new AbortController();
  const signals = watchStopSignals();
  signals.signal.addEventListener('abort', () => stop.abort(), { once: true });
  // A closed pipe (`… | head`) is a normal way to stop reading, not a failure.
  const out = new OutputWriter(io.stdout, () => stop.abort());
  let printed = 0;
  try {
    while (!stop.signal.aborted) {
      const limit =
        o.maxMessages === undefined ? RECORDS_PER_READ : Math.min(RECORDS_PER_READ, o.maxMessages - printed);
      const batches = await consumer.poll(limit, stop.signal, o.timeoutMs);
      // Nothing within --timeout-ms, or stopped.
      if (batches.length === 0) break;
      let text = '';
      for (const { partition, records } of batches) {
        for (const r of records) text += formatRecord(o.topic, partition, r, o.format);
        printed += records.length;
      }
      await out.write(text);
      if (o.maxMessages !== undefined && printed >= o.maxMessages) stop.abort();
    }
    if (o.group !== undefined) await consumer.commit();
    return printed;
  } finally {
    out.dispose();
    signals.dispose();
  }
}

/**
 * Kafka's rules: an explicit --offset wins; then the group's committed offset (if still in the log);
 * then the beginning with --from-beginning, else the end.
 */
async function startConsumer(log: Log, o: ConsumeOptions): Promise<Consumer> {
  const consumer = new Consumer(log, {
    group: o.group,
    autoOffsetReset: o.fromBeginning ? 'earliest' : 'latest',
  });
  if (o.partition === undefined) await consumer.assignTopic(o.topic);
  else await consumer.assign([{ topic: o.topic, partition: o.partition }]);
  if (o.offset === 'earliest') await consumer.seekToBeginning();
  else if (o.offset === 'latest') await consumer.seekToEnd();
  else if (o.offset !== undefined) {
    for (const tp of consumer.assignment()) {
      const begin = await log.beginningOffset(tp.topic, tp.partition);
      const end = await log.endOffset(tp.topic, tp.partition);
      if (o.offset < begin || o.offset > end) {
        throw new CliError(
          `Offset ${o.offset} is out of range for ${o.topic} partition ${tp.partition}: valid offsets are ${begin} to ${end}.`,
        );
      }
      consumer.seek(tp, o.offset);
    }
  }
  return consumer;
}
