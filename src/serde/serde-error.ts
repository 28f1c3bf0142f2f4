/** Raised when bytes do not fit the schema; the runtime routes the record to the processing log. */
export class SerdeError extends Error {
  override readonly name = 'SerdeError';
  readonly format: string;
  readonly target: 'key' | 'value';
  /** The column being read, when the failure belongs to one. */
  readonly column: string | undefined;
  /** ksqlDB's spelling of the type that was expected there. */
  readonly expectedType: string | undefined;
  /** Where inside the column, as a JSON-path-like string (`$.ADDRESS.CITY`), when known. */
  readonly path: string | undefined;
  /** A short, printable piece of the offending bytes. */
  readonly excerpt: string;

  constructor(init: {
    format: string;
    target?: 'key' | 'value';
    column?: string;
    expectedType?: string;
    path?: string;
    problem: string;
    excerpt: string;
  }) {
    const target = init.target ?? 'value';
    let where = '';
    if (init.column !== undefined) {
      where = `, column '${init.column}'${init.expectedType ? ` (${init.expectedType})` : ''}`;
      if (init.path && init.path !== `$.${init.column}` && init.path !== '$') where += ` at ${init.path}`;
    }
    super(`Cannot deserialize ${target} as ${init.format}${where}: ${init.problem}. Data: ${init.excerpt}`);
    this.format = init.format;
    this.target = target;
    this.column = init.column;
    this.expectedType = init.expectedType;
    this.path = init.path;
    this.excerpt = init.excerpt;
  }
}

/** Thrown when a schema cannot be used with a format; reported when compiling a serde. */
export class FormatSchemaError extends Error {
  override readonly name = 'FormatSchemaError';
}

const EXCERPT_CHARS = 64;

/** Up to 64 characters of text around `at` (or from the start), control characters escaped. */
export function excerptText(text: string, at?: number): string {
  let start = 0;
  if (at !== undefined && text.length > EXCERPT_CHARS) {
    start = Math.max(0, Math.min(at - EXCERPT_CHARS / 2, text.length - EXCERPT_CHARS));
  }
  const end = Math.min(text.length, start + EXCERPT_CHARS);
  const body = text.slice(start, end).replace(/[\u0000-\u001f\u007f]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return (start > 0 ? '…' : '') + body + (end < text.length ? '…' : '');
}

/** The first bytes as hex, for binary data (`0x00 0x01 …`, length given). */
export function excerptBytes(bytes: Uint8Array): string {
  const shown = Math.min(bytes.length, 24);
  const hex: string[] = [];
  for (let i = 0; i < shown; i++) hex.push(bytes[i].toString(16).padStart(2, '0'));
  return `0x${hex.join('')}${shown < bytes.length ? '…' : ''} (${bytes.length} bytes)`;
}
