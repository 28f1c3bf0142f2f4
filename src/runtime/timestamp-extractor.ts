import { resolveFunction } from '../functions/index.js';
import { type SqlValue, STRING } from '../types/index.js';
import type { RuntimeSource } from './runtime-source.js';

/** Reads the record time from the TIMESTAMP column when the source names one. */
export function timestampExtractor(
  source: RuntimeSource,
): ((row: SqlValue[], recordTime: number) => number) | undefined {
  if (source.timestampColumn === undefined) return undefined;
  const index = source.columns.findIndex((c) => c.name === source.timestampColumn);
  const type = source.columns[index].type;
  if (type.kind === 'STRING') {
    const parse = resolveFunction('PARSE_TIMESTAMP', [STRING, STRING]);
    const format = source.timestampFormat ?? "yyyy-MM-dd'T'HH:mm:ss.SSS";
    return (row, recordTime) => {
      const text = row[index];
      if (text === null) return recordTime;
      const parsed = parse.invoke([text, format]);
      return typeof parsed === 'number' ? parsed : recordTime;
    };
  }
  return (row, recordTime) => {
    const v = row[index];
    if (v === null) return recordTime;
    return typeof v === 'bigint' ? Number(v) : (v as number);
  };
}
