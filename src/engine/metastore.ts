import type { SqlType } from '../types/index.js';
import type { DataSource } from './data-source.js';
import { StatementError } from './errors.js';

/** Streams, tables and named types: what the command topic rebuilds on start. */
export class MetaStore {
  private readonly sources: Map<string, DataSource>;
  readonly types: Map<string, SqlType>;

  constructor(sources?: ReadonlyMap<string, DataSource>, types?: ReadonlyMap<string, SqlType>) {
    this.sources = new Map(sources);
    this.types = new Map(types);
  }

  /** An independent copy (sources are immutable, so sharing them is safe): a sandbox's metastore. */
  copy(): MetaStore {
    return new MetaStore(this.sources, this.types);
  }

  get(name: string): DataSource | undefined {
    return this.sources.get(name);
  }

  require(name: string): DataSource {
    const source = this.sources.get(name);
    if (source === undefined) {
      throw new StatementError(
        `${name} does not exist. Check the name (unquoted names are upper-cased) with SHOW STREAMS; or SHOW TABLES;.`,
        'BAD_STATEMENT',
      );
    }
    return source;
  }

  put(source: DataSource): void {
    this.sources.set(source.name, source);
  }

  delete(name: string): void {
    this.sources.delete(name);
  }

  all(): DataSource[] {
    return [...this.sources.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Sources created by a query that reads `name` (ksqlDB's source constraints), sorted by name. */
  referencing(name: string): string[] {
    return this.all()
      .filter((s) => s.references?.includes(name) === true)
      .map((s) => s.name);
  }

  /** Sources over a topic, for DESCRIBE CONNECTOR and DROP … DELETE TOPIC checks. */
  onTopic(topic: string): DataSource[] {
    return this.all().filter((s) => s.topic === topic);
  }
}
