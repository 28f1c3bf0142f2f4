import type { ConfigDef } from './config-def.js';
import type { Connector } from './connector.js';
import type { ConnectHeader, ConnectRecord } from './records.js';
import type { ConnectValue, Schema } from './schema.js';

export interface SchemaAndValue {
  readonly schema: Schema | null;
  readonly value: ConnectValue;
}

/** Between Connect data and bytes (key.converter / value.converter). */
export interface Converter {
  configure(configs: Readonly<Record<string, string>>, isKey: boolean): void;
  fromConnectData(
    topic: string,
    schema: Schema | null,
    value: ConnectValue,
    headers?: readonly ConnectHeader[],
  ): Uint8Array | null;
  toConnectData(topic: string, bytes: Uint8Array | null, headers?: readonly ConnectHeader[]): SchemaAndValue;
  config(): ConfigDef;
  /**
   * Optional, for converters that ask a service (a schema registry) about a schema: a promise the
   * worker awaits before fromConnectData for this schema, or undefined when it can convert now
   * (the usual case once the schema is known). A rejection is the record's converter error. The
   * value, when given, lets a converter skip work for a null (a tombstone needs no schema).
   */
  prepareFromConnectData?(
    topic: string,
    schema: Schema | null,
    value?: ConnectValue,
  ): Promise<void> | undefined;
  /** The same before toConnectData for these bytes (a schema id to fetch, say). */
  prepareToConnectData?(topic: string, bytes: Uint8Array | null): Promise<void> | undefined;
}

/** A single message transform: returns the changed record, or null to drop it. */
export interface Transformation<R extends ConnectRecord = ConnectRecord> {
  configure(configs: Readonly<Record<string, string>>): void;
  apply(record: R): R | null;
  config(): ConfigDef;
  close(): void;
}

/** Decides whether a transformation applies to a record. */
export interface Predicate<R extends ConnectRecord = ConnectRecord> {
  configure(configs: Readonly<Record<string, string>>): void;
  test(record: R): boolean;
  config(): ConfigDef;
  close(): void;
}

/**
 * What a connector package exports (as `plugins`) so a worker can find its connectors: the class
 * name users put in `connector.class`, and a factory.
 */
export interface ConnectorPlugin {
  readonly className: string;
  readonly type: 'source' | 'sink';
  readonly version: string;
  create(): Connector;
}
