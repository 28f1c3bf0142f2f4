import { Consumer, type Log } from '../log/index.js';
import type { SchemaRegistryClient } from '../serde/index.js';
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
  schemaRegistry?: SchemaRegistryClient,
): AsyncGenerator<string[]> {
  if (!(await log.hasTopic(statement.topic))) {
    throw new StatementError(
      `Could not find topic '${statement.topic}', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.`,
    );
  }
  const consumer = new Consumer(log, { autoOffsetReset: statement.fromBeginning ? 'earliest' : 'latest' });
  await consumer.assignTopic(statement.topic);
  const interval = Math.max(1, statement.interval ?? 1);
  let remaining = statement.limit ?? Number.POSITIVE_INFINITY;
  let seen = 0;
  const formatter = new RecordFormatter(schemaRegistry);
  let keyFormats = '';
  let valueFormats = '';
  while (!signal.aborted && remaining > 0) {
    const lines: string[] = [];
    for (const { partition, records } of await consumer.poll(1000, signal)) {
      // Every record read narrows the formats, also those INTERVAL skips.
      const batch = records.map((record) => ({ record, partition }));
      await formatter.prepare(batch);
      const formatted = formatter.formatBatch(batch);
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
  }
}
