// The expected records of one topic against what the queries wrote: record by record in order,
// then what is missing or extra, each problem as a short paragraph a person can read.
import type { RecordHeader } from '../log/index.js';
import { matchExpected, renderValue } from './expected-match.js';
import { printJson } from './json-document.js';
import type { RecordSpec, RecordWindow } from './test-files.js';
import type { TypedValue } from './topic-codec.js';

/** A record read back from an output topic. */
export interface ActualRecord {
  readonly timestamp: number;
  readonly headers: readonly RecordHeader[];
  /** The decoded key and value, or why the bytes could not be read. */
  readonly key: TypedValue | { readonly error: string };
  /** The window a windowed key carries (absent for keys that are not windowed). */
  readonly window?: RecordWindow;
  readonly value: TypedValue | { readonly error: string };
}

export interface DiffOptions {
  /**
   * ksqlDB's rule for tests fed only by INSERT VALUES: their records get the wall-clock time, so an
   * expected timestamp of 0 accepts any.
   */
  readonly zeroTimestampMatchesAny: boolean;
}

function headersText(headers: readonly { key: string; value: Buffer | null }[]): string {
  const items = headers.map(
    (h) =>
      `{"KEY":${JSON.stringify(h.key)},"VALUE":${h.value === null ? 'null' : JSON.stringify(h.value.toString('base64'))}}`,
  );
  return `[${items.join(',')}]`;
}

function sideText(side: ActualRecord['key']): string {
  return 'error' in side ? '(unreadable)' : renderValue(side);
}

/** A time window's end is exclusive, a session's inclusive. */
function windowText(w: RecordWindow): string {
  return `${w.type} [${w.start}, ${w.end}${w.type === 'SESSION' ? ']' : ')'}`;
}

export function describeExpected(record: RecordSpec): string {
  const parts = [`key ${printJson(record.key)}`, `value ${printJson(record.value)}`];
  if (record.timestamp !== undefined) parts.push(`timestamp ${record.timestamp}`);
  if (record.window !== undefined) {
    parts.push(`window ${windowText(record.window)}`);
  }
  if (record.headers !== undefined && record.headers.length > 0)
    parts.push(`headers ${headersText(record.headers)}`);
  return parts.join(', ');
}

export function describeActual(record: ActualRecord): string {
  const parts = [
    `key ${sideText(record.key)}`,
    `value ${sideText(record.value)}`,
    `timestamp ${record.timestamp}`,
  ];
  if (record.window !== undefined) parts.push(`window ${windowText(record.window)}`);
  if (record.headers.length > 0) parts.push(`headers ${headersText(record.headers)}`);
  return parts.join(', ');
}

function sameHeaders(expected: RecordSpec['headers'], actual: readonly RecordHeader[]): boolean {
  const wanted = expected ?? [];
  return (
    wanted.length === actual.length &&
    wanted.every((h, i) => {
      const a = actual[i];
      return (
        h.key === a.key && (h.value === null ? a.value === null : a.value !== null && h.value.equals(a.value))
      );
    })
  );
}

/** Why a record differs from what was expected: one line per difference, none when it matches. */
export function recordDifferences(
  expected: RecordSpec,
  actual: ActualRecord,
  options: DiffOptions,
): string[] {
  const out: string[] = [];
  if ('error' in actual.key) out.push(`key ${actual.key.error}`);
  else {
    const problem = matchExpected(expected.key, actual.key, 'key');
    if (problem !== undefined) out.push(problem);
  }
  const want = expected.window;
  const got = actual.window;
  if (want === undefined && got !== undefined) out.push(`window: expected none but was ${windowText(got)}`);
  else if (want !== undefined && got === undefined)
    out.push(`window: expected ${windowText(want)} but the key has none`);
  else if (
    want !== undefined &&
    got !== undefined &&
    (want.start !== got.start || want.end !== got.end || want.type !== got.type)
  )
    out.push(`window: expected ${windowText(want)} but was ${windowText(got)}`);
  if ('error' in actual.value) out.push(`value ${actual.value.error}`);
  else {
    const problem = matchExpected(expected.value, actual.value, 'value');
    if (problem !== undefined) out.push(problem);
  }
  const { timestamp } = expected;
  const anyTime = timestamp === undefined || (timestamp === 0 && options.zeroTimestampMatchesAny);
  if (!anyTime && timestamp !== actual.timestamp) {
    out.push(`timestamp: expected ${timestamp} but was ${actual.timestamp}`);
  }
  if (!sameHeaders(expected.headers, actual.headers)) {
    out.push(
      `headers: expected ${headersText(expected.headers ?? [])} but were ${headersText(actual.headers)}`,
    );
  }
  return out;
}

/** The problems of one topic: each is a paragraph naming the record's index in the topic and in the file. */
export function diffTopic(
  topic: string,
  expected: readonly RecordSpec[],
  actual: readonly ActualRecord[],
  options: DiffOptions,
): string[] {
  const problems: string[] = [];
  const common = Math.min(expected.length, actual.length);
  for (let i = 0; i < common; i++) {
    const differences = recordDifferences(expected[i], actual[i], options);
    if (differences.length === 0) continue;
    problems.push(
      [
        `Topic '${topic}', record ${i} (${expected[i].location}) does not match:`,
        `  expected: ${describeExpected(expected[i])}`,
        `  actual:   ${describeActual(actual[i])}`,
        ...differences.map((d) => `  - ${d}`),
      ].join('\n'),
    );
  }
  for (let i = common; i < expected.length; i++) {
    problems.push(
      [
        `Topic '${topic}', record ${i} (${expected[i].location}) is missing: the topic has only ${actual.length} record(s).`,
        `  expected: ${describeExpected(expected[i])}`,
      ].join('\n'),
    );
  }
  for (let i = common; i < actual.length; i++) {
    problems.push(
      [
        `Topic '${topic}', record ${i} was not expected: output file lists ${expected.length} record(s) for this topic.`,
        `  actual:   ${describeActual(actual[i])}`,
      ].join('\n'),
    );
  }
  return problems;
}
