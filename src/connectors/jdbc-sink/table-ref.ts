import { quoteIdent } from '../postgres/connection.js';

// Where a topic's records go, and how names are written in SQL (quote.sql.identifiers).

export interface TableRef {
  /** The qualified name as SQL: "schema"."table" (or unquoted with quote.sql.identifiers=never). */
  readonly sql: string;
  /** For messages. */
  readonly display: string;
}

export class Identifiers {
  readonly quote: boolean;

  constructor(quote: boolean) {
    this.quote = quote;
  }

  /** A column or table name in SQL. */
  sql(name: string): string {
    return this.quote ? quoteIdent(name) : name;
  }

  /** The name PostgreSQL stores: unquoted names fold to lower case. */
  stored(name: string): string {
    return this.quote ? name : name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
  }
}

/** table.name.format's placeholder for the record's topic. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Confluent's placeholder, not a template.
export const TOPIC_PLACEHOLDER = '${topic}';

/** Maps topics to tables through table.name.format; a dotted result is schema.table. */
export class TableNames {
  private readonly cache = new Map<string, TableRef>();
  private readonly format: string;
  private readonly ids: Identifiers;

  constructor(format: string, ids: Identifiers) {
    this.format = format;
    this.ids = ids;
  }

  forTopic(topic: string): TableRef {
    let ref = this.cache.get(topic);
    if (ref === undefined) {
      const name = this.format.replaceAll(TOPIC_PLACEHOLDER, topic);
      // catalog.schema.table: PostgreSQL connects to one database, so the catalog part is dropped.
      const parts = name.split('.').slice(-2);
      ref = { sql: parts.map((p) => this.ids.sql(p)).join('.'), display: name };
      this.cache.set(topic, ref);
    }
    return ref;
  }
}
