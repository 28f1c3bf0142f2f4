import { readFileSync } from 'node:fs';
import { ConfigDef, ConfigException, type ConfigValue, type Schema } from '../../connect/api/index.js';
import { type Json, parseSchemaText, SchemaError } from './avro-json.js';
import { compileAvroSchema } from './compile-avro.js';
import { findQuickstart, QUICKSTART_NAMES } from './quickstarts.js';
import { SeededRandom } from './seeded-random.js';

export const DATAGEN_CONFIG_DEF = new ConfigDef()
  .define({ name: 'kafka.topic', type: 'STRING', importance: 'HIGH', documentation: 'Topic to write to.' })
  .define({
    name: 'max.interval',
    type: 'LONG',
    defaultValue: 500,
    importance: 'MEDIUM',
    documentation: 'Each record waits a random time below this many milliseconds; 0 or less: no wait.',
  })
  .define({
    name: 'iterations',
    type: 'INT',
    defaultValue: -1,
    importance: 'MEDIUM',
    documentation: 'Records per task; then the task stops with an error, as upstream. 0 or less: unlimited.',
  })
  .define({
    name: 'schema.string',
    type: 'STRING',
    defaultValue: '',
    importance: 'HIGH',
    documentation: 'An Avro schema (JSON) with arg.properties.',
  })
  .define({
    name: 'schema.filename',
    type: 'STRING',
    defaultValue: '',
    importance: 'HIGH',
    documentation: 'A file holding an Avro schema; <quickstart>_schema.avro names a built-in schema.',
  })
  .define({
    name: 'schema.keyfield',
    type: 'STRING',
    defaultValue: '',
    importance: 'MEDIUM',
    documentation: 'Top-level field used as the record key; a quickstart has a default. Unset: null keys.',
  })
  .define({
    name: 'quickstart',
    type: 'STRING',
    defaultValue: '',
    importance: 'HIGH',
    documentation: `A built-in schema: ${QUICKSTART_NAMES.join(', ')} (case-insensitive).`,
    recommendedValues: QUICKSTART_NAMES,
    validator: (_name, value) => {
      if (typeof value === 'string' && value !== '' && findQuickstart(value) === undefined) {
        throw new Error(`quickstart must be one out of ${QUICKSTART_NAMES.join(', ')}`);
      }
    },
  })
  .define({
    name: 'random.seed',
    type: 'LONG',
    defaultValue: null,
    importance: 'LOW',
    documentation: 'Seed for reproducible data (not timing); task i starts i seeds further along.',
  });

const SCHEMA_SOURCES = ['schema.string', 'schema.filename', 'quickstart'] as const;

export interface DatagenSettings {
  readonly topic: string;
  readonly maxIntervalMs: number;
  readonly iterations: number;
  readonly seed: number | null;
  /** The Avro schema JSON, from the quickstart, the string or the file (in that precedence). */
  readonly schema: Json;
  readonly keyField: string | null;
}

/** The keyfield `quickstart`/`schema.filename` resource names resolve to, for built-in schemas. */
function builtInResource(filename: string) {
  const base = filename.replace(/^.*\//, '').replace(/_schema\.avro$/, '');
  return filename.endsWith('_schema.avro') ? findQuickstart(base) : undefined;
}

function readSchema(props: Readonly<Record<string, string>>): {
  schema: Json;
  defaultKey: string | null;
  key: string;
} {
  const quickstart = props.quickstart?.trim() ?? '';
  if (quickstart !== '') {
    const q = findQuickstart(quickstart);
    if (q === undefined)
      throw new SchemaError(`quickstart must be one out of ${QUICKSTART_NAMES.join(', ')}`);
    return { schema: q.schema, defaultKey: q.keyField, key: 'quickstart' };
  }
  const text = props['schema.string'] ?? '';
  if (text.trim() !== '') return { schema: parseSchemaText(text), defaultKey: null, key: 'schema.string' };
  const filename = (props['schema.filename'] ?? '').trim();
  let fileText: string;
  try {
    fileText = readFileSync(filename, 'utf8');
  } catch {
    const resource = builtInResource(filename);
    if (resource !== undefined) return { schema: resource.schema, defaultKey: null, key: 'schema.filename' };
    throw new SchemaError(`cannot read ${filename}`);
  }
  return { schema: parseSchemaText(fileText), defaultKey: null, key: 'schema.filename' };
}

/** Field names of the top-level record's schema. */
function topLevelFields(schema: Schema): string[] {
  return (schema.fields ?? []).map((f) => f.name);
}

/** Checks everything Datagen needs beyond single keys: one schema source, a parsable schema, the key field. */
export function datagenProblems(props: Readonly<Record<string, string>>): { key: string; message: string }[] {
  const set = SCHEMA_SOURCES.filter((k) => (props[k] ?? '').trim() !== '');
  if (set.length !== 1) {
    const offending = set.length === 0 ? SCHEMA_SOURCES : set;
    return offending.map((key) => ({
      key,
      message: 'Must set exactly one of schema.string, schema.filename, quickstart',
    }));
  }
  let source: ReturnType<typeof readSchema>;
  let fields: string[];
  try {
    source = readSchema(props);
    fields = topLevelFields(compileAvroSchema(source.schema, new SeededRandom(0)).schema);
  } catch (err) {
    if (!(err instanceof SchemaError)) throw err;
    // An unknown quickstart is already reported by the key's own validator.
    if (set[0] === 'quickstart') return [];
    return [{ key: set[0], message: `Unable to parse the provided schema: ${err.message}` }];
  }
  const keyField = (props['schema.keyfield'] ?? '').trim();
  if (keyField !== '' && !fields.includes(keyField)) {
    return [
      {
        key: 'schema.keyfield',
        message: "The schema does not contain the field provided in 'schema.keyfield'",
      },
    ];
  }
  return [];
}

export function validateDatagenConfig(props: Readonly<Record<string, string>>): ConfigValue[] {
  const values = DATAGEN_CONFIG_DEF.validate(props);
  const problems = datagenProblems(props);
  return values.map((v) => {
    const errors = problems.filter((p) => p.key === v.name).map((p) => p.message);
    return errors.length === 0 ? v : { ...v, errors: [...v.errors, ...errors] };
  });
}

/** The settings of a valid config; otherwise a ConfigException naming each offending key. */
export function parseDatagenConfig(props: Readonly<Record<string, string>>): DatagenSettings {
  const problems = validateDatagenConfig(props).flatMap((v) =>
    v.errors.map((message) => ({ key: v.name, message })),
  );
  if (problems.length > 0) throw new ConfigException(problems);
  const typed = DATAGEN_CONFIG_DEF.parse(props);
  const { schema, defaultKey } = readSchema(props);
  const keyField = typed['schema.keyfield'].trim() || defaultKey;
  return {
    topic: typed['kafka.topic'],
    maxIntervalMs: typed['max.interval'],
    iterations: typed.iterations,
    seed: typed['random.seed'],
    schema,
    keyField,
  };
}
