import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readLineBatches } from './line-batches.js';

async function* chunks(...parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

async function collect(input: AsyncIterable<Buffer>, maxLines = 1000): Promise<string[][]> {
  const out: string[][] = [];
  for await (const batch of readLineBatches(input, { maxLines })) out.push(batch.map((l) => l.toString()));
  return out;
}

test('lines split across chunks are joined, and a last line without newline still counts', async () => {
  assert.deepEqual(await collect(chunks('ab', 'c\nde', 'f\ng')), [['abc'], ['def'], ['g']]);
});

test('a CRLF line ending is removed, an empty line is kept', async () => {
  assert.deepEqual(await collect(chunks('a\r\n\r\nb\n')), [['a', '', 'b']]);
});

test('one chunk with more lines than the batch size is split into full batches', async () => {
  const batches = await collect(chunks('1\n2\n3\n4\n5\n'), 2);
  assert.deepEqual(batches, [['1', '2'], ['3', '4'], ['5']]);
});

test('bytes that are not UTF-8 pass through unchanged', async () => {
  const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x0a]);
  const batches: Buffer[][] = [];
  for await (const b of readLineBatches(chunks(bytes), { maxLines: 10 })) batches.push(b);
  assert.deepEqual(batches, [[Buffer.from([0xff, 0x00, 0xfe])]]);
});

test('stopping keeps the complete lines read before it and drops everything after', async () => {
  const stop = new AbortController();
  async function* input(): AsyncGenerator<Buffer> {
    yield Buffer.from('a\nparti');
    stop.abort();
    yield Buffer.from('al\n');
  }
  const out: string[][] = [];
  for await (const b of readLineBatches(input(), { maxLines: 10, signal: stop.signal }))
    out.push(b.map(String));
  assert.deepEqual(out, [['a']]);
});
