/**
 * JSON laid out like Jackson's default pretty printer, which ksqlDB's CLI uses for `output JSON`:
 * objects one entry a line with `"key" : value`, arrays on one line as `[ a, b ]`, empty ones as
 * `{ }` and `[ ]`. Scripts that parse ksqlDB's JSON output then read ours the same way.
 */
export function jacksonPretty(value: unknown): string {
  return write(value, 0);
}

function write(value: unknown, depth: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    return `[ ${value.map((v) => write(v, depth)).join(', ')} ]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{ }';
    const inner = '  '.repeat(depth + 1);
    const body = entries.map(([k, v]) => `${inner}${JSON.stringify(k)} : ${write(v, depth + 1)}`).join(',\n');
    return `{\n${body}\n${'  '.repeat(depth)}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
