import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigurationReference, renderPropertiesTable } from '../config/index.js';
import { builtinConnectors } from '../connectors/index.js';

/**
 * The docs generated from property declarations: docs/configuration.md whole, and each connector's
 * property table inside its page, between `<!-- generated: properties of CLASS -->` and
 * `<!-- end of generated properties -->`. `npm run docs` writes them; a test fails on drift.
 */
export const CONFIGURATION_PAGE = 'docs/configuration.md';
export const REGENERATE_COMMAND = 'npm run docs';

const BEGIN = /<!-- generated: properties of ([\w.$]+) -->\n/g;
const END = '<!-- end of generated properties -->';

/** A built-in connector's own keys as a table (the keys every connector takes are the worker's). */
export function renderConnectorProperties(className: string): string {
  const plugin = builtinConnectors.find((p) => p.className === className);
  if (plugin === undefined) {
    throw new Error(
      `No built-in connector ${className}: the marker names a class that is not one of ${builtinConnectors.map((p) => p.className).join(', ')}.`,
    );
  }
  return renderPropertiesTable(plugin.create().config().configKeys(), null);
}

/** The page with every generated section filled in from the declarations. */
export function fillGeneratedSections(page: string, origin: string): string {
  let out = '';
  let at = 0;
  for (const match of page.matchAll(BEGIN)) {
    const start = (match.index ?? 0) + match[0].length;
    const end = page.indexOf(END, start);
    if (end < 0) throw new Error(`${origin}: '${match[0].trim()}' has no '${END}' after it.`);
    out += `${page.slice(at, start)}\n${renderConnectorProperties(match[1])}\n\n`;
    at = end;
  }
  return out + page.slice(at);
}

/** Every generated file under `root` with the text it should have. */
export function expectedDocs(root: string): Map<string, string> {
  const expected = new Map<string, string>([[CONFIGURATION_PAGE, renderConfigurationReference()]]);
  for (const name of readdirSync(join(root, 'docs')).sort()) {
    const path = `docs/${name}`;
    if (!name.endsWith('.md') || path === CONFIGURATION_PAGE) continue;
    const text = readFileSync(join(root, path), 'utf8');
    if (text.includes('<!-- generated: ')) expected.set(path, fillGeneratedSections(text, path));
  }
  return expected;
}

/** The generated files whose checked-in text differs from the declarations. */
export function driftedDocs(root: string): string[] {
  return [...expectedDocs(root)].flatMap(([path, text]) => {
    const file = join(root, path);
    return existsSync(file) && readFileSync(file, 'utf8') === text ? [] : [path];
  });
}

/** Writes every generated file that changed; returns their paths. */
export function writeGeneratedDocs(root: string): string[] {
  const changed = driftedDocs(root);
  const expected = expectedDocs(root);
  for (const path of changed) writeFileSync(join(root, path), expected.get(path) ?? '');
  return changed;
}
