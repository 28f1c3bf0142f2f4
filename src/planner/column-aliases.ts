// Names for unaliased SELECT items and PARTITION BY expressions, as ksqlDB generates them: a struct
// field keeps its field name and any other expression becomes KSQL_COL_n, numbered from 0 and
// skipping every number a source column already uses (a column KSQL_COL_0 makes the first generated
// name KSQL_COL_1; a column NAME makes a second NAME field NAME_1).

const GENERATED = 'KSQL_COL';
/** A name and an optional `_<digits>` suffix, as ksqlDB splits names to find the numbers in use. */
const NUMBERED = /^(.*?)(?:_(\d+))?$/;

function split(name: string): { base: string; number: number } {
  const m = NUMBERED.exec(name)!;
  return { base: m[1], number: m[2] === undefined ? 0 : Number(m[2]) };
}

class NumberedNames {
  private next = 0;
  private readonly base: string;
  private readonly used: ReadonlySet<number>;

  constructor(base: string, used: ReadonlySet<number>) {
    this.base = base;
    this.used = used;
  }

  take(): string {
    while (this.used.has(this.next)) this.next++;
    const n = this.next++;
    // KSQL_COL always carries its number; a field name goes bare the first time.
    return n === 0 && this.base !== GENERATED ? this.base : `${this.base}_${n}`;
  }
}

/** Hands out names unique against the source's columns and each other, in the order asked. */
export class ColumnAliasGenerator {
  private readonly used = new Map<string, Set<number>>();
  private readonly generators = new Map<string, NumberedNames>();

  constructor(sourceColumnNames: Iterable<string>) {
    for (const name of sourceColumnNames) {
      const { base, number } = split(name);
      const numbers = this.used.get(base) ?? new Set<number>();
      numbers.add(number);
      this.used.set(base, numbers);
    }
  }

  private generator(base: string): NumberedNames {
    let g = this.generators.get(base);
    if (g === undefined) {
      g = new NumberedNames(base, this.used.get(base) ?? new Set());
      this.generators.set(base, g);
    }
    return g;
  }

  /** KSQL_COL_n for an expression that names nothing. */
  nextGenerated(): string {
    return this.generator(GENERATED).take();
  }

  /** The name of a struct field read by `->` (its `_n` suffix dropped, then made unique). */
  forField(fieldName: string): string {
    return this.generator(split(fieldName).base).take();
  }
}
