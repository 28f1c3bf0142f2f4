import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { driftedDocs, fillGeneratedSections, REGENERATE_COMMAND } from './generated-docs.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('the checked-in configuration reference and connector tables match the declarations', () => {
  const drifted = driftedDocs(root);
  assert.deepEqual(
    drifted,
    [],
    `${drifted.join(', ')} differ from the property declarations: run \`${REGENERATE_COMMAND}\` and commit the result.`,
  );
});

test('a generated section is replaced between its markers and the rest of the page is kept', () => {
  const page = [
    '# Page',
    'Before.',
    '<!-- generated: properties of org.apache.kafka.connect.file.FileStreamSinkConnector -->',
    'stale table',
    '<!-- end of generated properties -->',
    'After.',
    '',
  ].join('\n');
  const filled = fillGeneratedSections(page, 'page.md');
  assert.match(filled, /^# Page\nBefore\.\n<!-- generated: properties of \S+ -->\n\n\| Property +\|/);
  assert.match(filled, /\| `file` +\| string +\| _\(unset\)_ +\| high +\| Destination filename\./);
  assert.doesNotMatch(filled, /stale table/);
  assert.match(filled, /\n\n<!-- end of generated properties -->\nAfter\.\n$/);
  assert.equal(fillGeneratedSections(filled, 'page.md'), filled);
});

test('a marker naming no built-in connector, or left open, is an error naming it', () => {
  assert.throws(
    () =>
      fillGeneratedSections(
        '<!-- generated: properties of com.example.Nope -->\n<!-- end of generated properties -->\n',
        'x.md',
      ),
    /No built-in connector com\.example\.Nope/,
  );
  assert.throws(
    () => fillGeneratedSections('<!-- generated: properties of com.example.Nope -->\n', 'x.md'),
    /x\.md: .* has no '<!-- end of generated properties -->'/,
  );
});
