// ksql-test-runner needs no Kafka: the topics a test's CREATE STREAM / CREATE TABLE statements read
// are created for it. Here they are created with one partition before the statements run, so the
// statements run unchanged and every input topic keeps its records in file order.
import type { ParsedStatement, Property } from '../sql/index.js';

function property(properties: readonly Property[], name: string): Property | undefined {
  return properties.find((p) => p.key.toUpperCase() === name);
}

function topicOf(properties: readonly Property[]): string | undefined {
  const value = property(properties, 'KAFKA_TOPIC')?.value;
  return value?.kind === 'string' ? value.value : undefined;
}

/**
 * Topics that CREATE STREAM / CREATE TABLE statements name without PARTITIONS and that neither exist
 * nor are written by an earlier CREATE … AS SELECT of the same file (that one creates its own).
 */
export function topicsToCreate(
  statements: readonly ParsedStatement[],
  exists: (topic: string) => boolean,
): string[] {
  const created = new Set<string>();
  const missing: string[] = [];
  for (const { statement } of statements) {
    if (statement.kind === 'createAsSelect') {
      created.add(topicOf(statement.properties) ?? statement.name);
      continue;
    }
    if (statement.kind !== 'createSource') continue;
    const topic = topicOf(statement.properties);
    if (topic === undefined || property(statement.properties, 'PARTITIONS') !== undefined) continue;
    if (created.has(topic) || exists(topic) || missing.includes(topic)) continue;
    missing.push(topic);
  }
  return missing;
}
