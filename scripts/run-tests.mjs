// Runs every compiled test file (or the folders and files named) with node's test runner. Listing the files here (rather than
// passing a directory or glob) behaves the same on Node 20 and 22.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) collect(path, out);
    else if (entry.name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const roots = process.argv.length > 2 ? process.argv.slice(2) : ['dist/src', 'dist/test'];
const files = roots.flatMap((root) => {
  try {
    return root.endsWith('.test.js') ? [root] : collect(root, []);
  } catch {
    return [];
  }
});
// node --test with no files would run every test it can find: say so instead.
if (files.length === 0) {
  console.error(
    `No compiled test files under ${roots.join(', ')}: run \`npm run build\` first, or name dist/ folders or .test.js files.`,
  );
  process.exit(1);
}
files.sort();
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
