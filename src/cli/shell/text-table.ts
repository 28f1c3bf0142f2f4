/**
 * The tables ksqlDB's CLI draws for entities (its Console `Table`): a header row, a dashed line,
 * the rows, a dashed line; cells padded to the column's widest value, separated by ` | `, with one
 * space of margin either side. Optional plain lines go before and after.
 */
export interface TextTable {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly linesBefore?: readonly string[];
  readonly linesAfter?: readonly string[];
}

/**
 * Renders a table, every line ending with '\n'. `maxWidth` (the terminal's width) only shortens
 * the dashed lines, as in ksqlDB; cells are never cut.
 */
export function renderTextTable(table: TextTable, maxWidth?: number): string {
  let out = '';
  for (const line of table.linesBefore ?? []) out += `${line}\n`;
  if (table.headers.length > 0) {
    const widths = table.headers.map((header, i) =>
      Math.max(header.length, ...table.rows.map((row) => widestLine(row[i] ?? ''))),
    );
    const rowWidth = widths.reduce((sum, w) => sum + w + 3, -1);
    const dashes = '-'.repeat(maxWidth === undefined ? rowWidth : Math.min(maxWidth, rowWidth));
    const line = (cells: readonly string[]) =>
      ` ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} \n`;
    out += line(table.headers);
    out += `${dashes}\n`;
    for (const row of table.rows) out += line(row);
    out += `${dashes}\n`;
  }
  for (const line of table.linesAfter ?? []) out += `${line}\n`;
  return out;
}

function widestLine(cell: string): number {
  return Math.max(...cell.split('\n').map((l) => l.length));
}
