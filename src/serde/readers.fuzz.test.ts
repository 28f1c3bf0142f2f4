import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlType } from '../types/index.js';
import type { SerdeColumn } from './format.js';
import { delimitedFormat, jsonFormat, kafkaFormat, SerdeError } from './index.js';

/*
 * Mutated records fed to every format's reader, for columns of every kind of type: a record may be
 * read, or refused with a SerdeError (which sends it to the processing log); nothing else may be
 * thrown, whatever the bytes. A fixed seed keeps CI repeatable; SLUICE_FUZZ_SEED and
 * SLUICE_FUZZ_ITERATIONS run it longer. A failure prints the input: add it below as a regression.
 */

const ITERATIONS = Number(process.env.SLUICE_FUZZ_ITERATIONS ?? 3000);
const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? 20261206);

const t = (kind: string, extra: object = {}): SqlType => ({ kind, ...extra }) as SqlType;
const columns: SerdeColumn[] = [
  { name: 'S', type: t('STRING') },
  { name: 'I', type: t('INTEGER') },
  { name: 'B', type: t('BIGINT') },
  { name: 'D', type: t('DOUBLE') },
  { name: 'N', type: t('DECIMAL', { precision: 10, scale: 2 }) },
  { name: 'F', type: t('BOOLEAN') },
  { name: 'Y', type: t('BYTES') },
  { name: 'T', type: t('TIMESTAMP') },
  { name: 'A', type: t('ARRAY', { element: t('INTEGER') }) },
  { name: 'M', type: t('MAP', { key: t('STRING'), value: t('DOUBLE') }) },
  {
    name: 'R',
    type: t('STRUCT', {
      fields: [
        { name: 'X', type: t('STRING') },
        { name: 'Z', type: t('ARRAY', { element: t('STRING') }) },
      ],
    }),
  },
];

const SEEDS = [
  '{"S":"a","I":1,"B":9007199254740993,"D":1.5e3,"N":12.34,"F":true,"Y":"AAE=","T":1700000000000,"A":[1,2,null],"M":{"k":1.5},"R":{"X":"x","Z":["p","q"]}}',
  '{"s":null,"i":"42","d":"NaN","a":[],"m":{},"r":null}',
  '{"S":"\\u00e9\\ud83d\\ude00\\n","D":-0.0,"N":"1E+2","T":"2024-01-01T00:00:00Z"}',
  '[1,2,3]',
  '"just a string"',
  'a,1,2,3.5,1.25,true,AAE=,17,,,',
  '"q""uoted",-5,,,,,,,,,',
];

const FRAGMENTS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  '\\',
  ':',
  ',',
  'null',
  'true',
  '1e999',
  '-',
  '0x1F',
  '\u0000',
  '\uD800',
  '😀',
  '"\\u12"',
  '9'.repeat(400),
  ' ',
  '\n',
  'NaN',
  '""',
  '[[[[[[[[',
  '{"R":{"Z":[',
  '.5',
  '1.',
  '+1',
];

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(text: string, next: () => number): Buffer {
  let out = text;
  const rounds = 1 + Math.floor(next() * 4);
  for (let i = 0; i < rounds; i++) {
    const a = Math.floor(next() * (out.length + 1));
    const b = Math.min(out.length, a + Math.floor(next() * 8));
    const pick = FRAGMENTS[Math.floor(next() * FRAGMENTS.length)];
    switch (Math.floor(next() * 4)) {
      case 0:
        out = out.slice(0, a) + out.slice(b);
        break;
      case 1:
        out = out.slice(0, a) + pick + out.slice(a);
        break;
      case 2:
        out = out.slice(0, a) + pick.repeat(1 + Math.floor(next() * 300)) + out.slice(a);
        break;
      default:
        out = out.slice(0, b) + out.slice(a, b) + out.slice(b);
    }
  }
  const bytes = Buffer.from(out);
  // Now and then a raw byte that is not UTF-8.
  if (next() < 0.1 && bytes.length > 0) bytes[Math.floor(next() * bytes.length)] = 0xff;
  return bytes;
}

const readers = [
  ['JSON', jsonFormat.createDeserializer(columns)],
  ['JSON single STRING', jsonFormat.createDeserializer([columns[0]], { wrapSingleValue: false })],
  ['JSON single ARRAY', jsonFormat.createDeserializer([columns[8]], { wrapSingleValue: false })],
  ['DELIMITED', delimitedFormat.createDeserializer(columns.filter((c) => !['A', 'M', 'R'].includes(c.name)))],
  ['KAFKA', kafkaFormat.createDeserializer([columns[2]])],
] as const;

function check(bytes: Buffer): void {
  for (const [name, read] of readers) {
    try {
      read(bytes);
    } catch (err) {
      if (err instanceof SerdeError) continue;
      assert.fail(
        `${name} reading ${JSON.stringify(bytes.toString('latin1'))} threw ${(err as Error)?.stack ?? String(err)}`,
      );
    }
  }
}

test(`${ITERATIONS} mutated records are read or refused with a SerdeError by every format (seed ${SEED})`, () => {
  const next = random(SEED);
  for (const seed of SEEDS) check(Buffer.from(seed));
  for (let i = 0; i < ITERATIONS; i++) check(mutate(SEEDS[Math.floor(next() * SEEDS.length)], next));
});

test('regressions found by the fuzzer', () => {
  for (const text of [] as string[]) check(Buffer.from(text));
});
