// Writes the docs pages generated from declarations in the code (`npm run docs`, which builds first).
// Each page has a test that fails when the checked-in copy differs from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';

const pages = [
  {
    path: 'docs/errors.md',
    render: async () => (await import('../dist/src/errors/index.js')).renderErrorsReference(),
  },
];

// docs/configuration.md and the connector property tables inside their pages, from the property
// declarations (src/app/generated-docs.ts; its test names this command when they drift).
const { writeGeneratedDocs } = await import('../dist/src/app/generated-docs.js');
for (const path of writeGeneratedDocs(new URL('..', import.meta.url).pathname))
  console.log(`${path}: written`);

for (const page of pages) {
  const text = await page.render();
  let old = '';
  try {
    old = readFileSync(page.path, 'utf8');
  } catch {}
  if (old === text) {
    console.log(`${page.path}: up to date`);
  } else {
    writeFileSync(page.path, text);
    console.log(`${page.path}: written`);
  }
}
