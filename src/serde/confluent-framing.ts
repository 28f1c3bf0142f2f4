// Confluent's wire format, shared by the registry formats (AVRO, PROTOBUF): magic byte 0, then the
// schema id as 4 big-endian bytes, then the payload.

/** Reads the Confluent header: the schema id, or a problem for data that has none. */
export function confluentSchemaId(bytes: Uint8Array): number | string {
  if (bytes.length < 5)
    return `${bytes.length} bytes are too few for the Confluent wire format (magic byte 0 and a 4-byte schema id)`;
  if (bytes[0] !== 0)
    return `Unknown magic byte! Expected 0 (Confluent's wire format, as Schema Registry serializers write), found 0x${bytes[0].toString(16).padStart(2, '0')}`;
  return ((bytes[1] << 24) | (bytes[2] << 16) | (bytes[3] << 8) | bytes[4]) >>> 0;
}

/**
 * Loads, once each, the schema ids a batch's framed records carry that `known` lacks, so that
 * its records then read without waiting; undefined when every id is known already.
 */
export function loadUnknownSchemaIds(
  batch: readonly (Uint8Array | null)[],
  known: { has(id: number): boolean },
  load: (id: number) => Promise<unknown>,
): Promise<void> | undefined {
  let missing: Set<number> | undefined;
  for (const bytes of batch) {
    if (bytes === null) continue;
    const id = confluentSchemaId(bytes);
    if (typeof id === 'string' || known.has(id)) continue;
    missing ??= new Set();
    missing.add(id);
  }
  if (missing === undefined) return undefined;
  return Promise.all([...missing].map(load)).then(() => {});
}
