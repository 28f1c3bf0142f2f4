// JSON format throughput for ~200-byte records with a 6-column schema, beside a baseline of plain
// JSON.parse / JSON.stringify of the same records in the same run. Also measured: the alternative
// deserializer design (JSON.parse, then coercion fix-up per column), which cannot keep BIGINT or
// DECIMAL precision without re-reading the text; it stays here to keep the design choice honest.
import { jsonFormat, type SerdeColumn } from '../src/serde/index.js';
import type { SqlValue } from '../src/types/index.js';

const RECORDS = 200_000;
const ROUNDS = 3;

export interface SerdeFigure {
  readonly name: string;
  readonly recordsPerSecond: number;
  readonly megabytesPerSecond: number;
}

const columns: SerdeColumn[] = [
  { name: 'ID', type: { kind: 'BIGINT' } },
  { name: 'NAME', type: { kind: 'STRING' } },
  { name: 'EMAIL', type: { kind: 'STRING' } },
  { name: 'AGE', type: { kind: 'INTEGER' } },
  { name: 'BALANCE', type: { kind: 'DOUBLE' } },
  { name: 'CREATED_AT', type: { kind: 'TIMESTAMP' } },
];

function makeRecords(lowerCaseNames: boolean): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const object = {
      ID: 1_000_000_000 + i,
      NAME: `Customer number ${i} of the benchmark run`,
      EMAIL: `customer.${i}@example-benchmark-domain.com`,
      AGE: 18 + (i % 70),
      BALANCE: (i % 100_000) / 7,
      CREATED_AT: 1_700_000_000_000 + i * 1000,
    };
    let text = JSON.stringify(object);
    if (lowerCaseNames) text = text.replace(/"([A-Z_]+)":/g, (_, k: string) => `"${k.toLowerCase()}":`);
    out.push(Buffer.from(text));
  }
  return out;
}

function best(name: string, bytes: number, run: () => void): SerdeFigure {
  let seconds = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    run();
    seconds = Math.min(seconds, (performance.now() - start) / 1000);
  }
  return { name, recordsPerSecond: RECORDS / seconds, megabytesPerSecond: bytes / seconds / 1e6 };
}

// The JSON.parse + fix-up design, for the six primitive columns above.
function parseAndFixUp(bytes: Buffer): SqlValue[] {
  const object = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  const row: SqlValue[] = new Array(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const name = columns[i].name;
    let v = Object.hasOwn(object, name) ? object[name] : undefined;
    if (v === undefined) {
      for (const key in object) if (key.toUpperCase() === name) v = object[key];
    }
    if (v === undefined || v === null) {
      row[i] = null;
      continue;
    }
    switch (columns[i].type.kind) {
      case 'BIGINT':
        if (typeof v === 'number' && Number.isSafeInteger(v)) row[i] = BigInt(v);
        else throw new Error('would re-read the text to keep precision');
        break;
      case 'INTEGER':
        row[i] = typeof v === 'number' ? v | 0 : Number.parseInt(String(v), 10);
        break;
      case 'STRING':
        row[i] = typeof v === 'string' ? v : JSON.stringify(v);
        break;
      default:
        row[i] = typeof v === 'number' ? v : Number(v);
    }
  }
  return row;
}

export async function benchSerdeJson(): Promise<SerdeFigure[]> {
  const upper = makeRecords(false);
  const lower = makeRecords(true);
  const bytes = upper.reduce((n, b) => n + b.length, 0);
  const deserialize = jsonFormat.createDeserializer(columns);
  const serialize = jsonFormat.createSerializer(columns);
  const rows = upper.map((b) => deserialize(b)!);
  const objects = upper.map((b) => JSON.parse(b.toString('utf8')) as unknown);
  let sink = 0;

  const figures = [
    best('baseline JSON.parse', bytes, () => {
      for (const b of upper) sink += (JSON.parse(b.toString('utf8')) as { AGE: number }).AGE;
    }),
    best('JSON deserialize', bytes, () => {
      for (const b of upper) sink += deserialize(b)!.length;
    }),
    best('JSON deserialize, lower-case names', bytes, () => {
      for (const b of lower) sink += deserialize(b)!.length;
    }),
    best('alternative: JSON.parse + fix-up', bytes, () => {
      for (const b of upper) sink += parseAndFixUp(b).length;
    }),
    best('baseline JSON.stringify', bytes, () => {
      for (const o of objects) sink += Buffer.from(JSON.stringify(o), 'utf8').length;
    }),
    best('JSON serialize', bytes, () => {
      for (const r of rows) sink += serialize(r)!.length;
    }),
  ];
  if (sink === 0) console.log('unreachable');
  return figures;
}

// `node dist/bench/serde-json.js` prints the figures on their own.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of await benchSerdeJson()) {
    console.log(
      `${f.name.padEnd(40)} ${Math.round(f.recordsPerSecond).toLocaleString('en-US').padStart(12)} records/s ${f.megabytesPerSecond.toFixed(0).padStart(5)} MB/s`,
    );
  }
}
