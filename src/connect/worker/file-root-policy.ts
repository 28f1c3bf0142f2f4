import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { ConfigValue } from '../api/index.js';

/** The worker property that confines FileStream connectors to one directory. */
export const FILE_CONNECTORS_ROOT = 'sluice.file.connectors.root';

const FILE_CONNECTORS = new Set([
  'org.apache.kafka.connect.file.FileStreamSourceConnector',
  'org.apache.kafka.connect.file.FileStreamSinkConnector',
]);

/** The path as the file system resolves it: links followed, up to the part that exists yet. */
function realPath(path: string): string {
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  return resolve(realpathSync(existing), relative(existing, path));
}

function inside(root: string, path: string): boolean {
  const r = relative(root, path);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
}

/**
 * With sluice.file.connectors.root set on the worker, a FileStream connector's `file` must lie inside
 * that directory (links followed), so whoever may create connectors cannot read or write the rest of
 * the server's files. Returns the validation error on `file`, if any.
 */
export function fileRootViolations(
  className: string,
  config: Readonly<Record<string, string>>,
  root: string | undefined,
): ConfigValue[] {
  if (root === undefined || root === '' || !FILE_CONNECTORS.has(className)) return [];
  const file = config.file ?? '';
  const realRoot = realPath(resolve(root));
  // Judged where the task will open it: a relative path is relative to the process, not the root.
  if (file !== '' && inside(realRoot, realPath(resolve(file)))) return [];
  return [
    {
      name: 'file',
      value: file,
      recommendedValues: [],
      visible: true,
      errors: [
        `${file === '' ? 'Standard input' : file} is outside ${root}, the only directory FileStream connectors may use on this worker (${FILE_CONNECTORS_ROOT}). Use a file inside it.`,
      ],
    },
  ];
}
