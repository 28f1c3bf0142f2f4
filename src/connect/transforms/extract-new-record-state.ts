import {
  ConfigDef,
  type ConnectHeader,
  type ConnectRecord,
  type ConnectValue,
  type Schema,
  Schemas,
  Struct,
  type Transformation,
  Validators,
} from '../api/index.js';
import { isSchemalessMap, type SchemalessMap } from '../converters/index.js';
import { findField, SchemaUpdateCache, structLike, withOptional } from './support.js';

/** What becomes of delete events, and whether tombstones pass. */
interface DeleteHandling {
  readonly deletes: 'drop' | 'tombstone' | 'rewrite';
  readonly keepTombstones: boolean;
}

/**
 * The name of an envelope or source field to copy (`op`, `ts_ms`, `source.lsn`, or a bare source
 * field such as `table`), and the name it gets: prefix + the name with dots as underscores.
 */
interface CopiedField {
  readonly path: readonly string[];
  readonly name: string;
}

const ENVELOPE_FIELDS = new Set([
  'op',
  'ts_ms',
  'ts_us',
  'ts_ns',
  'before',
  'after',
  'source',
  'transaction',
]);

/**
 * io.debezium.transforms.ExtractNewRecordState ("unwrap"): replaces a Debezium change event's
 * envelope with the row state after the change, so sinks and streams see flat rows. Records that
 * are not envelopes (a value without `op`, heartbeats) pass unchanged, as in Debezium.
 */
export class ExtractNewRecordState implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({
      name: 'delete.tombstone.handling.mode',
      type: 'STRING',
      defaultValue: null,
      importance: 'MEDIUM',
      documentation:
        'What delete events and tombstones become: drop (both dropped), tombstone (a delete becomes a tombstone; tombstones that follow are dropped; the default), rewrite (a delete becomes its before state with __deleted=true; tombstones dropped), rewrite-with-tombstone (rewrite, and tombstones kept). Wins over the older drop.tombstones and delete.handling.mode.',
      validator: Validators.oneOfIgnoringCase('drop', 'tombstone', 'rewrite', 'rewrite-with-tombstone'),
      recommendedValues: ['drop', 'tombstone', 'rewrite', 'rewrite-with-tombstone'],
    })
    .define({
      name: 'drop.tombstones',
      type: 'BOOLEAN',
      defaultValue: null,
      importance: 'LOW',
      documentation: 'Older setting: drop tombstones (true) or keep them (false).',
    })
    .define({
      name: 'delete.handling.mode',
      type: 'STRING',
      defaultValue: null,
      importance: 'LOW',
      documentation:
        'Older setting: drop delete events (drop), turn them into records with a null value (none), or into their before state with __deleted=true (rewrite).',
      validator: Validators.oneOfIgnoringCase('drop', 'none', 'rewrite'),
      recommendedValues: ['drop', 'none', 'rewrite'],
    })
    .define({
      name: 'add.fields',
      type: 'LIST',
      defaultValue: [],
      importance: 'LOW',
      documentation:
        'Envelope or source fields to copy into the value (op, ts_ms, table, lsn, source.ts_ms…), named with add.fields.prefix.',
    })
    .define({
      name: 'add.fields.prefix',
      type: 'STRING',
      defaultValue: '__',
      importance: 'LOW',
      documentation: 'Prefix of the fields add.fields adds.',
    })
    .define({
      name: 'add.headers',
      type: 'LIST',
      defaultValue: [],
      importance: 'LOW',
      documentation: 'Envelope or source fields to copy into headers, named with add.headers.prefix.',
    })
    .define({
      name: 'add.headers.prefix',
      type: 'STRING',
      defaultValue: '__',
      importance: 'LOW',
      documentation: 'Prefix of the headers add.headers adds.',
    });

  private handling: DeleteHandling = { deletes: 'tombstone', keepTombstones: false };
  private fields: CopiedField[] = [];
  private headers: CopiedField[] = [];
  private readonly schemas = new SchemaUpdateCache();

  configure(configs: Readonly<Record<string, string>>): void {
    const parsed = ExtractNewRecordState.CONFIG_DEF.parse(configs);
    this.handling = deleteHandling(parsed);
    this.fields = copied(parsed['add.fields'], parsed['add.fields.prefix']);
    this.headers = copied(parsed['add.headers'], parsed['add.headers.prefix']);
    this.schemas.clear();
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    if (record.value === null) {
      // A tombstone: kept only where deletes are not already turned into tombstones.
      return this.handling.keepTombstones ? record : null;
    }
    const envelope = readEnvelope(record.value);
    if (envelope === undefined) return record;
    const headers =
      this.headers.length === 0 ? record.headers : [...record.headers, ...this.headerValues(envelope)];
    if (envelope.op === 'd') {
      if (this.handling.deletes === 'drop') return null;
      if (this.handling.deletes === 'tombstone')
        return { ...record, valueSchema: null, value: null, headers };
      return this.flat(record, envelope, 'before', true, headers);
    }
    return this.flat(record, envelope, 'after', false, headers);
  }

  /** The before or after state, with the copied fields (and __deleted when rewriting deletes). */
  private flat<R extends ConnectRecord>(
    record: R,
    envelope: Envelope,
    state: 'before' | 'after',
    deleted: boolean,
    headers: readonly ConnectHeader[],
  ): R {
    const extra = this.fields.map((f) => ({
      name: f.name,
      value: envelope.get(f.path),
      schema: withOptional(envelope.schemaOf(f.path) ?? Schemas.OPTIONAL_STRING, true),
    }));
    if (this.handling.deletes === 'rewrite')
      extra.push({ name: '__deleted', value: String(deleted), schema: Schemas.OPTIONAL_STRING });
    const row = envelope.get([state]);
    if (row instanceof Struct) {
      if (extra.length === 0) return { ...record, valueSchema: row.schema, value: row, headers };
      const base = row.schema;
      const schema = this.schemas.get(base, () =>
        structLike(base, [...(base.fields ?? []).map((f) => ({ name: f.name, schema: f.schema })), ...extra]),
      );
      const out = new Struct(schema);
      for (const f of base.fields ?? []) out.put(f.name, row.get(f.name));
      for (const e of extra) out.put(e.name, e.value);
      return { ...record, valueSchema: schema, value: out, headers };
    }
    if (!isSchemalessMap(row)) return { ...record, valueSchema: null, value: row, headers };
    if (row instanceof Map) {
      const map = new Map(row);
      for (const e of extra) map.set(e.name, e.value);
      return { ...record, valueSchema: null, value: map, headers };
    }
    const map: Record<string, ConnectValue> = { ...(row as Readonly<Record<string, ConnectValue>>) };
    for (const e of extra) map[e.name] = e.value;
    return { ...record, valueSchema: null, value: map, headers };
  }

  private headerValues(envelope: Envelope): ConnectHeader[] {
    return this.headers.map((h) => ({
      key: h.name,
      schema: envelope.schemaOf(h.path),
      value: envelope.get(h.path),
    }));
  }

  config(): ConfigDef {
    return ExtractNewRecordState.CONFIG_DEF;
  }

  close(): void {}
}

function deleteHandling(parsed: Record<string, unknown>): DeleteHandling {
  switch (parsed['delete.tombstone.handling.mode']) {
    case 'drop':
      return { deletes: 'drop', keepTombstones: false };
    case 'tombstone':
      return { deletes: 'tombstone', keepTombstones: false };
    case 'rewrite':
      return { deletes: 'rewrite', keepTombstones: false };
    case 'rewrite-with-tombstone':
      return { deletes: 'rewrite', keepTombstones: true };
  }
  const legacy = parsed['delete.handling.mode'];
  const dropTombstones = parsed['drop.tombstones'];
  // Neither setting: Debezium's current default (tombstone).
  if (legacy === null && dropTombstones === null) return { deletes: 'tombstone', keepTombstones: false };
  // The older pair, with its defaults (drop both); `none` makes a delete a null-valued record.
  const deletes = legacy === 'rewrite' ? 'rewrite' : legacy === 'none' ? 'tombstone' : 'drop';
  return { deletes, keepTombstones: dropTombstones === false };
}

function copied(names: readonly string[], prefix: string): CopiedField[] {
  return names.map((raw) => {
    const name = raw.trim();
    const path = name.includes('.') ? name.split('.') : ENVELOPE_FIELDS.has(name) ? [name] : ['source', name];
    return { path, name: prefix + name.replaceAll('.', '_') };
  });
}

interface Envelope {
  readonly op: string;
  get(path: readonly string[]): ConnectValue;
  schemaOf(path: readonly string[]): Schema | null;
}

/** A Debezium envelope (a struct or map with an `op`), or undefined for any other value. */
function readEnvelope(value: ConnectValue): Envelope | undefined {
  if (value instanceof Struct) {
    if (findField(value.schema, 'op') === undefined || findField(value.schema, 'after') === undefined)
      return undefined;
    const op = value.get('op');
    if (typeof op !== 'string') return undefined;
    return {
      op,
      get(path) {
        let v: ConnectValue = value;
        for (const p of path) {
          if (!(v instanceof Struct) || findField(v.schema, p) === undefined) return null;
          v = v.get(p);
        }
        return v;
      },
      schemaOf(path) {
        let s: Schema | undefined = value.schema;
        for (const p of path) s = s === undefined ? undefined : findField(s, p)?.schema;
        return s ?? null;
      },
    };
  }
  if (isSchemalessMap(value)) {
    const map = value as SchemalessMap;
    const op = lookup(map, 'op');
    if (typeof op !== 'string' || !has(map, 'after')) return undefined;
    return {
      op,
      get(path) {
        let v: ConnectValue = map;
        for (const p of path) {
          if (!isSchemalessMap(v)) return null;
          v = lookup(v as SchemalessMap, p);
        }
        return v;
      },
      schemaOf: () => null,
    };
  }
  return undefined;
}

function lookup(map: SchemalessMap, key: string): ConnectValue {
  return map instanceof Map ? (map.get(key) ?? null) : ((map as Record<string, ConnectValue>)[key] ?? null);
}

function has(map: SchemalessMap, key: string): boolean {
  return map instanceof Map ? map.has(key) : key in (map as Record<string, ConnectValue>);
}
