import type {
  ConnectLogger,
  OffsetStorageReader,
  SourceOffset,
  SourcePartition,
  SourceTaskContext,
} from '../../connect/api/index.js';

// Small stand-ins for the worker's side of the connector contract, used by the tests of this
// folder and of ../datagen (the same contract, so one copy).

export const silentLogger: ConnectLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Offsets as a worker would have committed them, looked up by partition content. */
export function storedOffsets(entries: readonly [SourcePartition, SourceOffset][]): OffsetStorageReader {
  const byKey = new Map(entries.map(([p, o]) => [JSON.stringify(p), o]));
  const reader: OffsetStorageReader = {
    offset: async (partition) => byKey.get(JSON.stringify(partition)) ?? null,
    offsets: async (partitions) => new Map(partitions.map((p) => [p, byKey.get(JSON.stringify(p)) ?? null])),
  };
  return reader;
}

export function taskContext(
  configs: Readonly<Record<string, string>>,
  offsets: readonly [SourcePartition, SourceOffset][] = [],
): SourceTaskContext {
  return { configs, offsetStorageReader: storedOffsets(offsets), logger: silentLogger };
}
