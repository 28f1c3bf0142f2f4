import type { FunctionArgument, FunctionDescriptionEntity } from './ksql-entity.js';

const LABEL_WIDTH = 12;

function argumentText(arg: FunctionArgument): string {
  const type = arg.type + (arg.isVariadic ? '[]' : '');
  return arg.name === '' ? type : `${arg.name} ${type}`;
}

/** Breaks text into lines of at most `width` characters at spaces, keeping its own line breaks. */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const token of text.split(/( |\n)/)) {
    if (token === '') continue;
    if (token === '\n' || line.length + token.length > width) {
      lines.push(line);
      line = '';
      if (token === '\n') continue;
    }
    line += token;
  }
  lines.push(line);
  return lines;
}

/**
 * One `label: text` line; long text wraps at the terminal width (at least 80) with its following
 * lines indented under the text. Empty text prints nothing.
 */
function describedLine(indent: string, label: string, description: string, width: number): string {
  const trimmed = description.trim();
  if (trimmed === '') return '';
  const prefix = `${indent}${label.padEnd(LABEL_WIDTH)}: `;
  // A tab counts as two columns here, as ksqlDB counts it.
  const prefixWidth = prefix.replaceAll('\t', '  ').length;
  const lines = wrapWords(trimmed, Math.max(width, 80) - prefixWidth);
  return `${prefix}${lines.join(`\n${' '.repeat(prefixWidth)}`)}\n`;
}

/** DESCRIBE FUNCTION, as ksqlDB's CLI prints it. */
export function renderFunctionDescription(fn: FunctionDescriptionEntity, width = 80): string {
  const name = fn.name.toUpperCase();
  const line = (label: string, value: string) => `${label.padEnd(LABEL_WIDTH)}: ${value}\n`;
  let out = line('Name', name);
  if (fn.author.trim() !== '') out += line('Author', fn.author);
  if (fn.version.trim() !== '') out += line('Version', fn.version);
  out += describedLine('', 'Overview', fn.description, width);
  out += line('Type', fn.type);
  out += line('Jar', fn.path);
  out += line('Variations', '');
  for (const variation of fn.functions) {
    out += `\n\t${'Variation'.padEnd(LABEL_WIDTH)}: ${name}(${variation.arguments.map(argumentText).join(', ')})\n`;
    out += `\t${'Returns'.padEnd(LABEL_WIDTH)}: ${variation.returnType}\n`;
    out += describedLine('\t', 'Description', variation.description, width);
    for (const arg of variation.arguments) out += describedLine('\t', arg.name, arg.description, width);
  }
  return out;
}
