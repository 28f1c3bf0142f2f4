import { parseArgs } from 'node:util';
import { type Log, LogError, type ProduceRecord, type RecordHeader } from '../../log/index.js';
import { CliError, usageError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { expectPositionals, keyValueFlag, parseFlags, wholeNumberFlag } from '../parse-flags.js';
import { watchStopSignals } from '../stop-signals.js';
import { checkNotInternal, DATA_DIR_HELP, DATA_DIR_OPTIONS, resolveTarget, withLog } from './data-dir.js';
import { readLineBatches } from './line-batches.js';
import type { TopicCommand } from './topic-command.js';

const COMMAND = 'topic produce';
/** Lines per append: big enough that appends are cheap per record, small enough to bound memory. */
const LINES_PER_BATCH = 1000;

export const produceCommand: TopicCommand = {
  name: 'produce',
  summary: 'Write one record per line of standard input',
  help: `Usage: sluice topic produce <topic> [--key-separator SEP] [--timestamp MS] [--header key=value]…

Reads standard input and writes one record per line (the line without its newline is the value).
Ends at end of input (Ctrl-D) or Ctrl-C; the lines read so far are written.

Options:
  --key-separator SEP   Split each line at the first SEP into key and value; a line without SEP
                        is an error (the lines before it are written, nothing from it on)
  --timestamp MS        Record timestamp in milliseconds since the epoch (default: now)
  --header key=value    A header added to every record (repeatable)
  --partition P         Write every record to partition P (default: by key hash, or round-robin)
  --verbose             Print the partition and offset of each record written
${DATA_DIR_HELP}

Example:
  printf 'alice:{"amount":3}\\nbob:{"amount":5}\\n' | sluice topic produce orders --key-separator :`,

  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(
      () =>
        parseArgs({
          args,
          allowPositionals: true,
          options: {
            ...DATA_DIR_OPTIONS,
            'key-separator': { type: 'string' },
            timestamp: { type: 'string' },
            header: { type: 'string', multiple: true },
            partition: { type: 'string' },
            verbose: { type: 'boolean' },
          },
        }),
      COMMAND,
    );
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const [topic] = expectPositionals(positionals, ['topic'], COMMAND);
    const separator = values['key-separator'];
    if (separator !== undefined && separator.length === 0) {
      throw usageError('--key-separator must not be empty.', COMMAND);
    }
    const template: LineTemplate = {
      separator: separator === undefined ? undefined : Buffer.from(separator),
      timestamp:
        values.timestamp === undefined ? undefined : wholeNumberFlag(values.timestamp, 'timestamp', COMMAND),
      partition:
        values.partition === undefined ? undefined : wholeNumberFlag(values.partition, 'partition', COMMAND),
      headers: (values.header ?? []).map((h) => {
        const [key, value] = keyValueFlag(h, 'header', COMMAND);
        return { key, value: Buffer.from(value) };
      }),
    };
    const target = resolveTarget(values, io.env);
    checkNotInternal(target, topic, 'write to');
    return withLog(target, topic, async (log) => {
      // Fail before reading any input, so a typo is reported at once rather than after Ctrl-D.
      await log.describeTopic(topic);
      if (template.partition !== undefined) await log.endOffset(topic, template.partition);
      await produceLines(log, topic, template, io, values.verbose === true);
      return 0;
    });
  },
};

interface LineTemplate {
  readonly separator: Buffer | undefined;
  readonly timestamp: number | undefined;
  readonly partition: number | undefined;
  readonly headers: readonly RecordHeader[];
}

async function produceLines(
  log: Log,
  topic: string,
  template: LineTemplate,
  io: CliIo,
  verbose: boolean,
): Promise<void> {
  const stop = watchStopSignals();
  // Ctrl-C ends the input the way Ctrl-D does; destroying stdin wakes a read that is waiting.
  const onStop = () => (io.stdin as NodeJS.ReadableStream & { destroy(): void }).destroy();
  stop.signal.addEventListener('abort', onStop, { once: true });
  let lineNumber = 0;
  try {
    const input = io.stdin as AsyncIterable<Buffer | string>;
    for await (const lines of readLineBatches(input, { maxLines: LINES_PER_BATCH, signal: stop.signal })) {
      const firstLine = lineNumber + 1;
      const { records, badLine } = toRecords(lines, template);
      if (records.length > 0) {
        const positions = await appendLines(log, topic, records, firstLine);
        if (verbose) {
          io.stdout.write(positions.map((p) => `partition ${p.partition} offset ${p.offset}\n`).join(''));
        }
      }
      if (badLine !== undefined) {
        const at = firstLine + badLine;
        const written =
          at === 1
            ? 'Nothing was written'
            : `${at === 2 ? 'Line 1 was' : `Lines 1 to ${at - 1} were`} written, nothing from line ${at} on`;
        throw new CliError(
          `Line ${at} has no key separator '${template.separator?.toString()}'. ${written}. ` +
            'Put the key and the separator before the value on every line, or leave out --key-separator.',
        );
      }
      lineNumber += lines.length;
    }
  } finally {
    stop.signal.removeEventListener('abort', onStop);
    stop.dispose();
  }
}

/** Turns lines into records up to the first line that lacks the key separator. */
function toRecords(
  lines: readonly Buffer[],
  t: LineTemplate,
): { records: ProduceRecord[]; badLine?: number } {
  const records: ProduceRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let key: Buffer | null = null;
    let value = line;
    if (t.separator !== undefined) {
      const at = line.indexOf(t.separator);
      if (at < 0) return { records, badLine: i };
      key = line.subarray(0, at);
      value = line.subarray(at + t.separator.length);
    }
    records.push({ key, value, timestamp: t.timestamp, headers: t.headers, partition: t.partition });
  }
  return { records };
}

/** Appends one batch; a log error says which input lines it was about and that earlier ones are in. */
async function appendLines(log: Log, topic: string, records: readonly ProduceRecord[], firstLine: number) {
  try {
    return await log.append(topic, records);
  } catch (err) {
    if (!(err instanceof LogError)) throw err;
    const range = `lines ${firstLine} to ${firstLine + records.length - 1}`;
    const before = firstLine === 1 ? 'nothing was written' : `only lines 1 to ${firstLine - 1} were written`;
    throw new LogError(err.code, `${err.message} (While writing ${range}; ${before}.)`, { cause: err });
  }
}
