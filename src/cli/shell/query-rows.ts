/**
 * Push query results drawn as ksqlDB's CLI draws them (its TabularRow): every column gets the same
 * width, `terminal width / columns - 2` (at least 5), cells are `|`-separated, the header sits
 * between `+-----+` lines, and long values wrap onto further lines (or, with wrapping off, are
 * cut and end in `...`).
 */

const MIN_CELL_WIDTH = 5;
const CLIPPED = '...';

export interface QueryRowLayout {
  readonly cellWidth: number;
  readonly wrap: boolean;
}

export function queryRowLayout(terminalWidth: number, columns: number, wrap = true): QueryRowLayout {
  const cellWidth =
    columns === 0 ? MIN_CELL_WIDTH : Math.max(Math.floor(terminalWidth / columns) - 2, MIN_CELL_WIDTH);
  return { cellWidth, wrap };
}

function separator(layout: QueryRowLayout, columns: number): string {
  return `+${`${'-'.repeat(layout.cellWidth)}+`.repeat(columns)}`;
}

function chunks(value: string, width: number): string[] {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += width) parts.push(value.slice(i, i + width));
  return parts.length === 0 ? [''] : parts;
}

function cells(values: readonly string[], layout: QueryRowLayout, wrap: boolean): string {
  const split = values.map((v) => chunks(v, layout.cellWidth).map((c) => c.padEnd(layout.cellWidth)));
  const height = wrap ? Math.max(...split.map((s) => s.length)) : 1;
  const lines: string[] = [];
  for (let line = 0; line < height; line++) {
    let out = '|';
    for (const parts of split) {
      const cell = parts[line] ?? ' '.repeat(layout.cellWidth);
      const cut = parts.slice(height).some((p) => p.trim() !== '');
      out += `${cut ? cell.slice(0, cell.length - CLIPPED.length) + CLIPPED : cell}|`;
    }
    lines.push(out);
  }
  return `${lines.join('\n')}\n`;
}

/** The column names between two separator lines; names always wrap. */
export function renderQueryHeader(columnNames: readonly string[], layout: QueryRowLayout): string {
  if (columnNames.length === 0) return '';
  const line = separator(layout, columnNames.length);
  return `${line}\n${cells(columnNames, layout, true)}${line}\n`;
}

export function renderQueryRow(values: readonly unknown[], layout: QueryRowLayout): string {
  if (values.length === 0) return '';
  return cells(values.map(javaText), layout, layout.wrap);
}

/**
 * A value as ksqlDB's CLI prints it (Java's toString of the parsed JSON): strings bare, null as
 * `null`, arrays `[a, b]`, maps and structs `{K=v, L=w}`.
 */
export function javaText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(javaText).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${javaText(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}
