// The key and value formats of a stream or table, checked as ksqlDB checks them: format options
// that the format does not take, WRAP_SINGLE_VALUE, MAP keys, and every column against the format
// itself, with ksqlDB's "Key/Value format does not support schema" message.
import { type FormatOptions, FormatSchemaError, formatByName } from '../serde/index.js';
import { formatType, type SqlType } from '../types/index.js';
import type { Column } from './data-source.js';
import { StatementError } from './errors.js';

/** How a source's records are serialized, as the metastore keeps it. */
export interface SourceSerdeChoice {
  readonly keyFormat: string;
  readonly valueFormat: string;
  /** Only for a single value column, and only where the format offers the choice. */
  readonly wrapSingleValue: boolean | undefined;
  readonly valueDelimiter: string | undefined;
  readonly keyDelimiter: string | undefined;
}

export interface SerdeRequest {
  readonly keyFormat: string;
  readonly valueFormat: string;
  /** WRAP_SINGLE_VALUE from the WITH clause. */
  readonly wrapSingleValue: boolean | undefined;
  /** `ksql.persistence.wrap.single.values`: undefined leaves each format its own default. */
  readonly defaultWrapSingleValues: boolean | undefined;
  readonly valueDelimiter: string | undefined;
  readonly keyDelimiter: string | undefined;
}

/** Formats with a wrapped single value (WRAP_SINGLES) and with a bare one (UNWRAP_SINGLES). */
const WRAPS = new Set(['JSON', 'AVRO', 'JSON_SR', 'PROTOBUF', 'PROTOBUF_NOSR']);
// PROTOBUF has no bare single value: a single key column is a one-field message too.
const UNWRAPS = new Set(['JSON', 'KAFKA', 'DELIMITED', 'AVRO', 'JSON_SR', 'PROTOBUF_NOSR']);

function containsMap(type: SqlType): boolean {
  switch (type.kind) {
    case 'MAP':
      return true;
    case 'ARRAY':
      return containsMap(type.element);
    case 'STRUCT':
      return type.fields.some((f) => containsMap(f.type));
    default:
      return false;
  }
}

/** ksqlDB's PersistenceSchema text: ``Persistence{columns=[`A` INTEGER KEY], features=[…]}``. */
function persistenceText(columns: readonly Column[], features: string[]): string {
  const list = columns
    .map((c) => `\`${c.name}\` ${formatType(c.type)}${c.namespace === 'KEY' ? ' KEY' : ''}`)
    .join(', ');
  return `Persistence{columns=[${list}], features=[${features.join(', ')}]}`;
}

/** Builds a serializer once, as ksqlDB validates a schema against its format, to surface its refusal. */
function checkAgainstFormat(
  side: 'Key' | 'Value',
  format: string,
  columns: readonly Column[],
  options: FormatOptions,
  features: string[],
): void {
  if (format === 'NONE' || columns.length === 0) return;
  try {
    formatByName(format).createSerializer(columns, options);
  } catch (err) {
    if (!(err instanceof FormatSchemaError)) throw err;
    throw new StatementError(
      `${side} format does not support schema.\nformat: ${format}\nschema: ${persistenceText(columns, features)}\nreason: ${err.message}`,
    );
  }
}

/** Checks the formats and their options against the columns; returns what the source keeps. */
export function checkSourceSerde(columns: readonly Column[], request: SerdeRequest): SourceSerdeChoice {
  const { keyFormat, valueFormat } = request;
  const keyColumns = columns.filter((c) => c.namespace === 'KEY');
  const valueColumns = columns.filter((c) => c.namespace === 'VALUE');
  if (request.valueDelimiter !== undefined && valueFormat !== 'DELIMITED') {
    throw new StatementError(`${valueFormat} does not support the following configs: [delimiter]`);
  }
  if (request.keyDelimiter !== undefined && keyFormat !== 'DELIMITED') {
    throw new StatementError(`${keyFormat} does not support the following configs: [delimiter]`);
  }
  for (const c of keyColumns) {
    if (containsMap(c.type)) {
      throw new StatementError(
        `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${c.name}\`. Column type: ${formatType(c.type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
      );
    }
  }
  const single = valueColumns.length === 1;
  let wrap = request.wrapSingleValue;
  if (wrap !== undefined) {
    if (!(wrap ? WRAPS : UNWRAPS).has(valueFormat)) {
      throw new StatementError(
        `Format '${valueFormat}' does not support 'WRAP_SINGLE_VALUE' set to '${wrap}'.`,
      );
    }
    if (!single) throw new StatementError("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
  } else if (single && request.defaultWrapSingleValues !== undefined) {
    // The server default applies only where the format offers it, and never fails.
    const wanted = request.defaultWrapSingleValues;
    if ((wanted ? WRAPS : UNWRAPS).has(valueFormat)) wrap = wanted;
  }
  const valueFeatures = wrap === undefined ? [] : [wrap ? 'WRAP_SINGLES' : 'UNWRAP_SINGLES'];
  const keyFeatures =
    keyColumns.length === 1 && WRAPS.has(keyFormat) && UNWRAPS.has(keyFormat) ? ['UNWRAP_SINGLES'] : [];
  checkAgainstFormat(
    'Key',
    keyFormat,
    keyColumns,
    options('key', undefined, request.keyDelimiter),
    keyFeatures,
  );
  checkAgainstFormat(
    'Value',
    valueFormat,
    valueColumns,
    options('value', wrap, request.valueDelimiter),
    valueFeatures,
  );
  return {
    keyFormat,
    valueFormat,
    // Only JSON and AVRO have a choice to remember: KAFKA and DELIMITED values are always bare.
    wrapSingleValue: single && WRAPS.has(valueFormat) ? wrap : undefined,
    valueDelimiter: request.valueDelimiter,
    keyDelimiter: request.keyDelimiter,
  };
}

function options(
  target: 'key' | 'value',
  wrapSingleValue: boolean | undefined,
  delimiter: string | undefined,
): FormatOptions {
  return {
    target,
    ...(wrapSingleValue === undefined ? {} : { wrapSingleValue }),
    ...(delimiter === undefined ? {} : { delimiter }),
  };
}
