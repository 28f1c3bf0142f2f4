import type { SinkNode } from '../planner/index.js';
import type { PersistentQuery } from '../runtime/index.js';
import type { QueryRef } from './entities.js';

export interface RegisteredQuery {
  readonly id: string;
  readonly statementText: string;
  readonly sink: string;
  readonly sinkTopic: string;
  readonly sources: readonly string[];
  /** Started by CREATE … AS SELECT (dropped with its sink), rather than by INSERT INTO … SELECT. */
  readonly createAs: boolean;
  readonly query: PersistentQuery;
  /** The query's logical plan, for EXPLAIN. */
  readonly plan: SinkNode;
}

/** The persistent queries running now, by id. */
export class QueryRegistry {
  private readonly queries = new Map<string, RegisteredQuery>();

  /** An independent registry of the same queries, for a sandbox: removing one there stops nothing. */
  copy(): QueryRegistry {
    const copy = new QueryRegistry();
    for (const q of this.queries.values()) copy.add(q);
    return copy;
  }

  add(q: RegisteredQuery): void {
    this.queries.set(q.id, q);
  }

  get(id: string): RegisteredQuery | undefined {
    // Query ids are compared as ksqlDB does: unquoted ids arrive upper-cased.
    return (
      this.queries.get(id) ?? [...this.queries.values()].find((q) => q.id.toUpperCase() === id.toUpperCase())
    );
  }

  remove(id: string): void {
    this.queries.delete(id);
  }

  all(): RegisteredQuery[] {
    return [...this.queries.values()];
  }

  writing(source: string): RegisteredQuery[] {
    return this.all().filter((q) => q.sink === source);
  }

  reading(source: string): RegisteredQuery[] {
    return this.all().filter((q) => q.sources.includes(source));
  }
}

export function queryRef(q: RegisteredQuery): QueryRef {
  const state = q.query.state;
  return {
    queryString: q.statementText,
    sinks: [q.sink],
    sinkKafkaTopics: [q.sinkTopic],
    id: q.id,
    statusCount: { [state]: 1 },
    queryType: 'PERSISTENT',
    state,
  };
}

/** SHOW QUERIES' entry for a running push query (ksqlDB's transient query). */
export function pushQueryRef(q: { readonly queryId: string; readonly statementText: string }): QueryRef {
  return {
    queryString: q.statementText,
    sinks: [],
    sinkKafkaTopics: [],
    id: q.queryId,
    statusCount: { RUNNING: 1 },
    queryType: 'PUSH',
    state: 'RUNNING',
  };
}
