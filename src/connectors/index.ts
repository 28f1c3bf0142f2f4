// Every built-in connector, each written only against connect/api.
import type { ConnectorPlugin } from '../connect/api/index.js';
import { plugins as datagen } from './datagen/index.js';
import { plugins as debeziumPostgres } from './debezium-postgres/index.js';
import { plugins as file } from './file/index.js';
import { plugins as jdbcSink } from './jdbc-sink/index.js';
import { plugins as jdbcSource } from './jdbc-source/index.js';
import { plugins as voluble } from './voluble/index.js';

export const builtinConnectors: readonly ConnectorPlugin[] = [
  ...file,
  ...voluble,
  ...datagen,
  ...jdbcSource,
  ...jdbcSink,
  ...debeziumPostgres,
];

/** FileStreamSource and FileStreamSink alone: the test worker registers them by default. */
export const fileStreamConnectors: readonly ConnectorPlugin[] = file;
