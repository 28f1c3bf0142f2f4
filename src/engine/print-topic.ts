import type { Log, LogRecord } from '../log/index.js';
import type { PrintTopic } from '../sql/index.js';
import { StatementError } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A guess at a key's or value's format from its bytes, as ksqlDB's PRINT makes one. */
function guessFormat(bytes: Uint8Array | null): string {
  if (bytes === null) return '<null>';
  const t = text(bytes);
  if (t === undefined) return 'UNKNOWN';
  try {
    const v = JSON.parse(t);
    if (typeof v === 'object' && v !== null) return 'JSON';
  } catch {
    // Not JSON.
  }
  return 'KAFKA_STRING';
}

function show(bytes: Uint8Array | null): string {
  if (bytes === null) return '<null>';
  return text(bytes) ?? Buffer.from(bytes).toString('hex');
}

function rowtime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 23)} Z`;
}

export function formatPrintLine(record: LogRecord, partition: number): string {
  return `rowtime: ${rowtime(record.timestamp)}, key: ${show(record.key)}, value: ${show(record.value)}, partition: ${partition}`;
}

/**
 * PRINT topic: the topic's records as text lines, from the beginning or from now on, every n-th
 * (INTERVAL) up to LIMIT, with a first line naming the key and value formats it sees.
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
  let headerSent = false;
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
      for (const r of records) {
        if (seen++ % interval !== 0 || remaining <= 0) continue;
        if (!headerSent) {
          lines.push(`Key format: ${guessFormat(r.key)}`, `Value format: ${guessFormat(r.value)}`);
          headerSent = true;
        }
        lines.push(formatPrintLine(r, p.partition));
        remaining--;
      }
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
