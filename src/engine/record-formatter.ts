// PRINT's guess at the formats of a topic's keys and values, as ksqlDB's RecordFormatter makes it:
// every candidate format tries each key (or value); those that fail are dropped for good, and a
// record is shown with the first candidate still standing. Keys also try the windowed forms of each
// format (a key followed by a window start, or by a session's end and start). With a Schema Registry,
// AVRO and JSON_SR come first: Confluent's wire format (magic byte 0, a 4-byte schema id) whose id
// names a schema of that type, and PROTOBUF (after AVRO, as ksqlDB orders them) shown as protobuf's
// TextFormat short debug string; `prepare` fetches (and for PROTOBUF compiles, with its references)
// the ids a batch names, so reading stays synchronous.
import {
  type AvroNode,
  avroDatumText,
  type CompiledProtobufSchema,
  compileRegisteredProtobuf,
  confluentSchemaId,
  parseAvroSchema,
  protobufDatumText,
  type RegistrySchema,
  type SchemaRegistryClient,
} from '../serde/index.js';
import { formatDoubleLikeJava } from '../types/index.js';

/** Shows bytes in a format, or throws when they are not of it. */
type Decode = (bytes: Uint8Array) => string;

interface Candidate {
  readonly name: string;
  readonly decode: Decode;
}

const NO_DATA = '¯\\_(ツ)_/¯ - no data processed';
const utf8 = new TextDecoder('utf-8');

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function exactly(size: number, bytes: Uint8Array): DataView {
  if (bytes.length !== size) throw new Error(`not ${size} bytes`);
  return view(bytes);
}

/** UTF-8 text without replacement characters (what Java's decoder gives for bad bytes). */
function text(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new Error('Empty data');
  const s = utf8.decode(bytes);
  if (s.includes('\uFFFD')) throw new Error('String contains replacement char');
  return s;
}

const JSON_TEXT: Candidate = {
  name: 'JSON',
  decode: (bytes) => {
    const s = text(bytes);
    JSON.parse(s);
    return s;
  },
};

const PLAIN: readonly Candidate[] = [
  { name: 'KAFKA_INT', decode: (bytes) => String(exactly(4, bytes).getInt32(0)) },
  { name: 'KAFKA_BIGINT', decode: (bytes) => String(exactly(8, bytes).getBigInt64(0)) },
  { name: 'KAFKA_DOUBLE', decode: (bytes) => formatDoubleLikeJava(exactly(8, bytes).getFloat64(0)) },
  { name: 'KAFKA_STRING', decode: text },
];

/** The registry schema of a wire-format record's id, when fetched and of this type; else throws. */
function registrySchema(
  registry: SchemaRegistryClient,
  bytes: Uint8Array,
  type: RegistrySchema['schemaType'],
): RegistrySchema {
  const id = confluentSchemaId(bytes);
  if (typeof id === 'string') throw new Error(id);
  const schema = registry.cachedSchemaById(id);
  if (schema === undefined) throw new Error(`schema id ${id} is not in the registry`);
  if (schema.schemaType !== type) throw new Error(`schema id ${id} is ${schema.schemaType}, not ${type}`);
  return schema;
}

/** AVRO: the body read with the writer schema its id names, shown as Avro's GenericData shows it. */
function avroCandidate(registry: SchemaRegistryClient): Candidate {
  const parsed = new Map<string, AvroNode>();
  return {
    name: 'AVRO',
    decode: (bytes) => {
      const { schema } = registrySchema(registry, bytes, 'AVRO');
      let node = parsed.get(schema);
      if (node === undefined) {
        node = parseAvroSchema(schema);
        parsed.set(schema, node);
      }
      return avroDatumText(node, bytes, 5);
    },
  };
}

/** PROTOBUF: the message the id and indexes name, as TextFormat.printer().shortDebugString shows it. */
function protobufCandidate(compiled: ReadonlyMap<number, CompiledProtobufSchema>): Candidate {
  return {
    name: 'PROTOBUF',
    decode: (bytes) => {
      const id = confluentSchemaId(bytes);
      if (typeof id === 'string') throw new Error(id);
      const schema = compiled.get(id);
      if (schema === undefined) throw new Error(`schema id ${id} is not a PROTOBUF schema the registry has`);
      return protobufDatumText(schema, bytes);
    },
  };
}

/** JSON_SR: the body is JSON text (not validated against the schema, as Confluent's deserializer defaults). */
function jsonSrCandidate(registry: SchemaRegistryClient): Candidate {
  return {
    name: 'JSON_SR',
    decode: (bytes) => {
      registrySchema(registry, bytes, 'JSON');
      return JSON.stringify(JSON.parse(text(bytes.subarray(5))));
    },
  };
}

/** The formats in ksqlDB's order: AVRO, PROTOBUF, JSON, JSON_SR, then the KAFKA ones. */
function baseCandidates(
  registry: SchemaRegistryClient | undefined,
  protobufSchemas: ReadonlyMap<number, CompiledProtobufSchema>,
): Candidate[] {
  return registry === undefined
    ? [JSON_TEXT, ...PLAIN]
    : [
        avroCandidate(registry),
        protobufCandidate(protobufSchemas),
        JSON_TEXT,
        jsonSrCandidate(registry),
        ...PLAIN,
      ];
}

/** Kafka's Bytes.toString: printable ASCII as is, anything else as \xNN. */
function bytesText(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    out +=
      b >= 0x20 && b <= 0x7e && b !== 0x5c
        ? String.fromCharCode(b)
        : `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The last `count` longs of the bytes, and what comes before them (Kafka's windowed key layouts). */
function splitLongs(bytes: Uint8Array, count: number): { inner: Uint8Array; longs: bigint[] } {
  const innerLength = bytes.length - 8 * count;
  if (bytes.length === 0 || innerLength < 0) throw new Error('too short for a windowed key');
  const v = view(bytes);
  const longs: bigint[] = [];
  for (let i = 0; i < count; i++) longs.push(v.getBigInt64(innerLength + 8 * i));
  return { inner: bytes.subarray(0, innerLength), longs };
}

/** Kafka's TimeWindowedDeserializer: the key, then the window start (a window cannot start before 0). */
function timeWindowed(name: string, inner: Candidate): Candidate {
  return {
    name: `${name}(${inner.name})`,
    decode: (bytes) => {
      const { inner: key, longs } = splitLongs(bytes, 1);
      const shown = inner.decode(key);
      if (longs[0] < 0n) throw new Error('Window startMs time cannot be negative.');
      return `[${shown}@${longs[0]}/-]`;
    },
  };
}

/** Kafka's SessionWindowedDeserializer: the key, then the session's end and start. */
function sessionWindowed(inner: Candidate): Candidate {
  return {
    name: `SESSION(${inner.name})`,
    decode: (bytes) => {
      const { inner: key, longs } = splitLongs(bytes, 2);
      const shown = inner.decode(key);
      const [end, start] = longs;
      if (start < 0n) throw new Error('Window startMs time cannot be negative.');
      if (end < start) throw new Error('Window endMs time cannot be smaller than window startMs time.');
      return `[${shown}@${start}/${end}]`;
    },
  };
}

/** The candidates for one side of the records, narrowed as records are seen. */
export class FormatGuess {
  private candidates: Candidate[];
  private seenData = false;

  constructor(
    side: 'key' | 'value',
    registry?: SchemaRegistryClient,
    protobufSchemas: ReadonlyMap<number, CompiledProtobufSchema> = new Map(),
  ) {
    const base = baseCandidates(registry, protobufSchemas);
    this.candidates =
      side === 'key'
        ? base.flatMap((f) => [
            sessionWindowed(f),
            timeWindowed('HOPPING', f),
            timeWindowed('TUMBLING', f),
            f,
          ])
        : base;
  }

  /** The formats that read every non-null key (or value) seen so far, in ksqlDB's order. */
  possibleFormats(): string[] {
    return this.seenData ? this.candidates.map((c) => c.name) : [NO_DATA];
  }

  /** The bytes shown with the first format that reads them; formats that cannot are dropped. */
  format(bytes: Uint8Array | null): string {
    if (bytes === null) return '<null>';
    this.seenData = true;
    let first: string | undefined;
    this.candidates = this.candidates.filter((c) => {
      try {
        const shown = c.decode(bytes);
        first ??= shown;
        return true;
      } catch {
        return false;
      }
    });
    return first ?? bytesText(bytes);
  }
}

function rowtime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 23)} Z`;
}

export interface PrintableRecord {
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly timestamp: number;
}

/** PRINT's lines for the records of a topic, and the formats its header names. */
export class RecordFormatter {
  readonly keys: FormatGuess;
  readonly values: FormatGuess;
  /** Ids already asked of the registry (found or not), so each is asked once. */
  private readonly asked = new Set<number>();
  private readonly registry: SchemaRegistryClient | undefined;
  /** The PROTOBUF schemas of the ids asked, compiled with their references. */
  private readonly protobufSchemas = new Map<number, CompiledProtobufSchema>();

  constructor(registry?: SchemaRegistryClient) {
    this.registry = registry;
    this.keys = new FormatGuess('key', registry, this.protobufSchemas);
    this.values = new FormatGuess('value', registry, this.protobufSchemas);
  }

  /**
   * Fetches the schemas of the ids the records' keys and values name in Confluent's wire format,
   * before formatBatch reads them. An id the registry lacks or cannot give stays unresolved, so
   * those bytes fall back to the other formats.
   */
  async prepare(records: readonly { record: PrintableRecord }[]): Promise<void> {
    const registry = this.registry;
    if (registry === undefined) return;
    const ids = new Set<number>();
    for (const { record } of records) {
      for (const bytes of [record.key, record.value]) {
        if (bytes === null) continue;
        const id = confluentSchemaId(bytes);
        if (typeof id === 'number' && !this.asked.has(id)) ids.add(id);
      }
    }
    await Promise.all(
      [...ids].map(async (id) => {
        this.asked.add(id);
        const schema = await registry.schemaById(id).catch(() => undefined);
        if (schema?.schemaType !== 'PROTOBUF') return;
        // A schema that does not compile (or whose references are gone) just does not read as PROTOBUF.
        const compiled = await compileRegisteredProtobuf(registry, schema).catch(() => undefined);
        if (compiled !== undefined) this.protobufSchemas.set(id, compiled);
      }),
    );
  }

  /**
   * One line per record. When a batch rules out the format the batch started with, the batch is
   * shown again with the format now in front, as ksqlDB does.
   */
  formatBatch(records: readonly { record: PrintableRecord; partition: number }[]): string[] {
    const keyFormat = this.keys.possibleFormats()[0];
    const valueFormat = this.values.possibleFormats()[0];
    const lines = records.map((r) => this.line(r.record, r.partition));
    if (
      this.keys.possibleFormats().includes(keyFormat) &&
      this.values.possibleFormats().includes(valueFormat)
    ) {
      return lines;
    }
    return records.map((r) => this.line(r.record, r.partition));
  }

  private line(record: PrintableRecord, partition: number): string {
    return `rowtime: ${rowtime(record.timestamp)}, key: ${this.keys.format(record.key)}, value: ${this.values.format(record.value)}, partition: ${partition}`;
  }
}

/** ksqlDB's header line for one side: the formats still possible, or that none is. */
export function formatsLine(prefix: 'Key format: ' | 'Value format: ', formats: readonly string[]): string {
  return formats.length === 0
    ? `${prefix} does not match any supported format. It may be a STRING with encoding other than UTF8, or some other format.`
    : `${prefix}${formats.join(' or ')}`;
}
