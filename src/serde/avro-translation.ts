// Between SQL columns and Avro schemas, as ksqlDB translates through Kafka Connect's AvroData:
// the schema registered for a stream's columns, and the columns inferred from a registered schema.
import {
  array,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  decimal,
  INTEGER,
  map,
  type SqlType,
  STRING,
  struct,
  TIME,
  TIMESTAMP,
} from '../types/index.js';
import { type AvroNode, nullableBranch } from './avro-schema.js';
import type { SerdeColumn } from './format.js';
import { FormatSchemaError } from './serde-error.js';

/** ksqlDB's name of the value record: io.confluent.ksql.avro_schemas.KsqlDataSourceSchema. */
export const DEFAULT_AVRO_VALUE_NAME = 'io.confluent.ksql.avro_schemas.KsqlDataSourceSchema';

/** ksqlDB's name of a key record for a source: io.confluent.ksql.avro_schemas.<UpperCamelName>Key. */
export function defaultAvroKeyName(sourceName: string): string {
  const camel = sourceName
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== '')
    .map((p) => p[0].toUpperCase() + p.slice(1).toLowerCase())
    .join('');
  return `io.confluent.ksql.avro_schemas.${camel}Key`;
}

const CONNECT = 'org.apache.kafka.connect.data.';

/**
 * The Avro schema ksqlDB registers for these columns: a record of optional fields (`["null", T]`,
 * default null) named `fullName`, nested records named after their path (`…_ADDRESS`), logical
 * types with Connect's parameters; for an unwrapped value, the column's type alone.
 */
export function avroSchemaForColumns(
  columns: readonly SerdeColumn[],
  wrapped: boolean,
  fullName: string,
): unknown {
  if (!wrapped) return avroType(columns[0].type, fullName);
  return recordOf(
    columns.map((c) => ({ name: c.name, type: c.type })),
    fullName,
  );
}

function recordOf(fields: readonly { name: string; type: SqlType }[], fullName: string): unknown {
  const dot = fullName.lastIndexOf('.');
  return {
    type: 'record',
    name: fullName.slice(dot + 1),
    ...(dot < 0 ? {} : { namespace: fullName.slice(0, dot) }),
    fields: fields.map((f) => {
      const name = f.name.replace(/\./g, '_');
      return { name, type: ['null', avroType(f.type, `${fullName}_${name}`)], default: null };
    }),
    'connect.name': fullName,
  };
}

function avroType(type: SqlType, name: string): unknown {
  switch (type.kind) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INTEGER':
      return 'int';
    case 'BIGINT':
      return 'long';
    case 'DOUBLE':
      return 'double';
    case 'STRING':
      return 'string';
    case 'BYTES':
      return 'bytes';
    case 'DECIMAL':
      return {
        type: 'bytes',
        scale: type.scale,
        precision: type.precision,
        'connect.version': 1,
        'connect.parameters': {
          scale: String(type.scale),
          'connect.decimal.precision': String(type.precision),
        },
        'connect.name': `${CONNECT}Decimal`,
        logicalType: 'decimal',
      };
    case 'DATE':
      return { type: 'int', 'connect.version': 1, 'connect.name': `${CONNECT}Date`, logicalType: 'date' };
    case 'TIME':
      return {
        type: 'int',
        'connect.version': 1,
        'connect.name': `${CONNECT}Time`,
        logicalType: 'time-millis',
      };
    case 'TIMESTAMP':
      return {
        type: 'long',
        'connect.version': 1,
        'connect.name': `${CONNECT}Timestamp`,
        logicalType: 'timestamp-millis',
      };
    case 'ARRAY':
      return { type: 'array', items: ['null', avroType(type.element, name)] };
    case 'MAP':
      if (type.key.kind !== 'STRING') throw new FormatSchemaError('Avro only supports MAPs with STRING keys');
      return { type: 'map', values: ['null', avroType(type.value, `${name}_MapValue`)] };
    case 'STRUCT':
      return recordOf(type.fields, name);
  }
}

export interface InferredColumns {
  readonly columns: SerdeColumn[];
  /** Fields whose types SQL has no equivalent for, left out (ksqlDB logs them). */
  readonly dropped: string[];
}

/**
 * The columns a registered schema gives, as ksqlDB infers them: a record's fields (or, unwrapped,
 * one column named `single`), names upper-cased when `upperCase` (inference from a subject) and kept
 * as written otherwise (a schema given by id), every column nullable.
 */
export function columnsFromAvro(
  node: AvroNode,
  options: { wrapped: boolean; upperCase: boolean; single: string },
): InferredColumns {
  const dropped: string[] = [];
  const name = (n: string) => (options.upperCase ? n.toUpperCase() : n);
  const record = node.type === 'record' ? node : nullableBranch(node);
  if (!options.wrapped || record?.type !== 'record') {
    if (options.wrapped)
      throw new FormatSchemaError(
        "Schema returned from schema registry is anonymous type. To use this schema with ksqlDB, set 'WRAP_SINGLE_VALUE=false' in the WITH clause properties.",
      );
    const type = sqlTypeOf(node, name, dropped, options.single);
    if (type === undefined) throw noColumns();
    return { columns: [{ name: options.single, type }], dropped };
  }
  const columns: SerdeColumn[] = [];
  for (const f of record.fields) {
    const type = sqlTypeOf(f.type, name, dropped, f.name);
    if (type !== undefined) columns.push({ name: name(f.name), type });
  }
  if (columns.length === 0) throw noColumns();
  return { columns, dropped };
}

function noColumns(): FormatSchemaError {
  return new FormatSchemaError('Schema does not include any columns with types that ksqlDB supports.');
}

function sqlTypeOf(
  node: AvroNode,
  name: (n: string) => string,
  dropped: string[],
  path: string,
  seen: Set<AvroNode> = new Set(),
): SqlType | undefined {
  switch (node.type) {
    case 'null':
      dropped.push(`${path} (null)`);
      return undefined;
    case 'boolean':
      return BOOLEAN;
    case 'int':
      return node.logicalType === 'date' ? DATE : node.logicalType === 'time-millis' ? TIME : INTEGER;
    case 'long':
      return node.logicalType === 'timestamp-millis' ? TIMESTAMP : BIGINT;
    case 'float':
    case 'double':
      return DOUBLE;
    case 'string':
    case 'enum':
      return STRING;
    case 'bytes':
    case 'fixed': {
      if (node.logicalType !== 'decimal') return BYTES;
      const precision = node.precision ?? 64;
      if (precision > 38)
        throw new FormatSchemaError(
          `${path}: DECIMAL precision ${precision} is above ksqlDB's maximum of 38 (an Avro decimal without precision counts as 64, as in Connect)`,
        );
      return decimal(precision, node.scale ?? 0);
    }
    case 'array': {
      const element = sqlTypeOf(node.items, name, dropped, `${path}[]`, seen);
      return element === undefined ? undefined : array(element);
    }
    case 'map': {
      const value = sqlTypeOf(node.values, name, dropped, `${path}{}`, seen);
      return value === undefined ? undefined : map(STRING, value);
    }
    case 'record': {
      if (seen.has(node)) {
        dropped.push(`${path} (recursive ${node.name})`);
        return undefined;
      }
      const inner = new Set(seen).add(node);
      const fields = node.fields.flatMap((f) => {
        const type = sqlTypeOf(f.type, name, dropped, `${path}.${f.name}`, inner);
        return type === undefined ? [] : [{ name: name(f.name), type }];
      });
      return fields.length === 0 ? undefined : struct(fields);
    }
    case 'union': {
      const only = nullableBranch(node);
      if (only !== undefined) return sqlTypeOf(only, name, dropped, path, seen);
      const branches = node.branches.filter((b) => b.type !== 'null');
      if (branches.length === 1) return sqlTypeOf(branches[0], name, dropped, path, seen);
      // Connect's union: a struct with one optional field per branch, named after the branch.
      const fields = branches.flatMap((b) => {
        const branch =
          b.type === 'record' || b.type === 'enum' || b.type === 'fixed'
            ? b.name.slice(b.name.lastIndexOf('.') + 1)
            : b.type;
        const type = sqlTypeOf(b, name, dropped, `${path}.${branch}`, seen);
        return type === undefined ? [] : [{ name: name(branch), type }];
      });
      return fields.length === 0 ? undefined : struct(fields);
    }
  }
}
