import type { Log } from '../log/index.js';
import type { PrintTopic } from '../sql/index.js';
import { StatementError } from './errors.js';
import { formatsLine, RecordFormatter } from './record-formatter.js';

/**
 * PRINT topic: the topic's records as text lines, from the beginning or from now on, every n-th
 * (INTERVAL) up to LIMIT, headed by the key and value formats it sees (again whenever what it sees
 * narrows them), as ksqlDB's TopicStreamWriter writes them.
 */
export async function* printTopic(
  log: Log,
  statement: PrintTopic,
  signal: AbortSignal,
): AsyncGenerator<string[]> {
  if (!log.hasTopic(statement.topic)) {
    throw new StatementError(
      `Could not find topic '${statement.topic}', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.`,
    );
  }
  const d = await log.describeTopic(statement.topic);
  const positions = d.partitions.map((p) => (statement.fromBeginning ? p.beginningOffset : p.endOffset));
  const interval = Math.max(1, statement.interval ?? 1);
  let remaining = statement.limit ?? Number.POSITIVE_INFINITY;
  let seen = 0;
  const formatter = new RecordFormatter();
  let keyFormats = '';
  let valueFormats = '';
  while (!signal.aborted && remaining > 0) {
    const lines: string[] = [];
    let progressed = false;
    for (const [i, p] of d.partitions.entries()) {
      if (positions[i] >= log.endOffset(statement.topic, p.partition)) continue;
      const { records, nextOffset } = await log.read(statement.topic, p.partition, positions[i], {
        maxRecords: 1000,
      });
      positions[i] = nextOffset;
      progressed = true;
      if (records.length === 0) continue;
      // Every record read narrows the formats, also those INTERVAL skips.
      const formatted = formatter.formatBatch(records.map((record) => ({ record, partition: p.partition })));
      const selected: string[] = [];
      for (const line of formatted) {
        if (remaining <= 0) break;
        if (seen++ % interval !== 0) continue;
        selected.push(line);
        remaining--;
      }
      const keys = formatsLine('Key format: ', formatter.keys.possibleFormats());
      const values = formatsLine('Value format: ', formatter.values.possibleFormats());
      if (keys !== keyFormats) lines.push(keys);
      if (values !== valueFormats) lines.push(values);
      keyFormats = keys;
      valueFormats = values;
      lines.push(...selected);
    }
    if (lines.length > 0) yield lines;
    if (!progressed) {
      const done = new AbortController();
      const stop = () => done.abort();
      signal.addEventListener('abort', stop, { once: true });
      try {
        await Promise.race(
          d.partitions.map((p, i) =>
            log.waitForData(statement.topic, p.partition, positions[i], 60_000, done.signal),
          ),
        );
      } finally {
        signal.removeEventListener('abort', stop);
        done.abort();
      }
    }
  }
}
