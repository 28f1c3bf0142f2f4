// Runs one test case as ksqlDB's ksql-test-runner does: the statements in a throwaway engine reading
// from the earliest offset, the input records fed in file order, then every record of the expected
// topics read back and compared with the expected ones.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig } from '../config/index.js';
import { type DataSource, KsqlEngine, KsqlRequestError } from '../engine/index.js';
import { type Log, type LogRecord, replayToEnd, SegmentLog } from '../log/index.js';
import { InProcessSchemaRegistryClient, SchemaStore } from '../registry/index.js';
import type { SchemaRegistryClient } from '../serde/index.js';
import { type ParsedStatement, parseStatements, SqlParseError } from '../sql/index.js';
import { matchExpected, renderValue } from './expected-match.js';
import { printJson } from './json-document.js';
import { topicsToCreate } from './missing-topics.js';
import { type ActualRecord, diffTopic } from './output-diff.js';
import type { PullSpec, RecordSpec, RecordWindow } from './test-files.js';
import { RecordCodecError, TopicCodec, type TypedValue } from './topic-codec.js';

export interface TestCase {
  /** The statements file's text. */
  readonly statements: string;
  readonly inputs: readonly RecordSpec[];
  readonly outputs: readonly RecordSpec[];
  /** Pull queries run after the inputs, with the rows each must answer (none when left out). */
  readonly pulls?: readonly PullSpec[];
}

export interface TestOutcome {
  readonly passed: boolean;
  /** ksqlDB's `>>> Test passed!` line, or `>>>>> Test failed: …` with every problem found. */
  readonly report: string;
}

export interface RunOptions {
  /** How long the queries may take to process each input record (default 30 s). */
  readonly idleTimeoutMs?: number;
  /** Where the throwaway data dir is made (default: the system's temp dir). */
  readonly tempParent?: string;
}

export const PASSED_REPORT = '\t >>> Test passed!';

function failed(headline: string, details: readonly string[] = []): TestOutcome {
  return { passed: false, report: [`\t>>>>> Test failed: ${headline}`, ...details].join('\n\n') };
}

/** A problem that ends the test early, already worded for the report. */
class TestAbort extends Error {
  readonly details: readonly string[];
  constructor(headline: string, details: readonly string[] = []) {
    super(headline);
    this.details = details;
  }
}

/** The source whose formats describe a topic: for outputs the query's sink, for inputs a declared one. */
function sourceFor(
  sources: readonly DataSource[],
  topic: string,
  prefer: 'sink' | 'declared',
): DataSource | undefined {
  const over = sources.filter((s) => s.topic === topic);
  const preferred = over.find((s) => (s.createdByQuery !== undefined) === (prefer === 'sink'));
  return preferred ?? over[0];
}

/** Every record of a topic; several partitions are merged by timestamp, keeping each partition's order. */
async function readAll(log: Log, topic: string): Promise<LogRecord[]> {
  const partitions: LogRecord[][] = [];
  await replayToEnd(log, topic, (records, partition) => {
    partitions[partition] ??= [];
    partitions[partition].push(...records);
  });
  for (let p = 0; p < partitions.length; p++) partitions[p] ??= [];
  const merged: LogRecord[] = [];
  const heads = partitions.map(() => 0);
  for (;;) {
    let next = -1;
    partitions.forEach((records, p) => {
      const head = records[heads[p]];
      if (head !== undefined && (next < 0 || head.timestamp < partitions[next][heads[next]].timestamp))
        next = p;
    });
    if (next < 0) return merged;
    merged.push(partitions[next][heads[next]++]);
  }
}

function decoded(read: () => TypedValue): TypedValue | { error: string } {
  try {
    return read();
  } catch (err) {
    if (err instanceof RecordCodecError) return { error: err.message };
    throw err;
  }
}

/** The window a record's key carries, or why it cannot be read (the key's own error says so). */
function windowOf(codec: TopicCodec, key: Buffer | null): RecordWindow | undefined {
  try {
    return codec.decodeWindow(key);
  } catch (err) {
    if (err instanceof RecordCodecError) return undefined;
    throw err;
  }
}

class TestCaseRun {
  private readonly log: Log;
  private readonly engine: KsqlEngine;
  private readonly options: RunOptions;
  private readonly registry: SchemaRegistryClient;

  constructor(log: Log, engine: KsqlEngine, options: RunOptions, registry: SchemaRegistryClient) {
    this.log = log;
    this.engine = engine;
    this.options = options;
    this.registry = registry;
  }

  async run(testCase: TestCase): Promise<TestOutcome> {
    await this.executeStatements(testCase.statements);
    await this.feed(testCase.inputs);
    const problems = [...(await this.compare(testCase)), ...(await this.comparePulls(testCase.pulls ?? []))];
    if (problems.length === 0) return { passed: true, report: PASSED_REPORT };
    return failed(
      `the output does not match the output file (${problems.length} problem${problems.length === 1 ? '' : 's'}).`,
      problems,
    );
  }

  private async executeStatements(text: string): Promise<void> {
    let parsed: ParsedStatement[];
    try {
      parsed = parseStatements(text, { variables: new Map() });
    } catch (err) {
      if (err instanceof SqlParseError)
        throw new TestAbort(`the statements could not be parsed: ${err.message}`);
      throw err;
    }
    const existing = new Set(await this.log.listTopics());
    for (const topic of topicsToCreate(parsed, (t) => existing.has(t))) {
      await this.log.createTopic(topic, { partitions: 1 });
    }
    try {
      // One request, so that SET and DEFINE hold for the statements after them, as in a ksqlDB script.
      await this.engine.execute(text);
    } catch (err) {
      if (err instanceof KsqlRequestError) {
        throw new TestAbort(`a statement failed.`, [
          `Statement: ${err.statementText}\nError: ${err.message}`,
        ]);
      }
      throw err;
    }
  }

  /** Feeds the records one by one, letting the queries catch up after each, so outputs follow input order. */
  private async feed(inputs: readonly RecordSpec[]): Promise<void> {
    const codecs = new Map<string, TopicCodec>();
    for (const input of inputs) {
      let codec = codecs.get(input.topic);
      if (codec === undefined) {
        const source = sourceFor(this.engine.metastore.all(), input.topic, 'declared');
        if (source === undefined) {
          throw new TestAbort(
            `${input.location} is for topic '${input.topic}', which no stream or table of the statements reads.`,
          );
        }
        codec = new TopicCodec(source, this.registry);
        codecs.set(input.topic, codec);
      }
      let key: Buffer | null;
      let value: Buffer | null;
      try {
        key = codec.encodeKey(input.key, input.window);
        value = codec.encodeValue(input.value);
      } catch (err) {
        if (err instanceof RecordCodecError) {
          throw new TestAbort(
            `${input.location} cannot be written to topic '${input.topic}': ${err.message}`,
          );
        }
        throw err;
      }
      await this.log.append(input.topic, [
        { key, value, timestamp: input.timestamp ?? 0, headers: input.headers ?? [] },
      ]);
      await this.engine.waitUntilIdle(this.options.idleTimeoutMs);
    }
    await this.engine.waitUntilIdle(this.options.idleTimeoutMs);
  }

  /** Runs each pull query and compares its rows, in order, with the expected ones. */
  private async comparePulls(pulls: readonly PullSpec[]): Promise<string[]> {
    const problems: string[] = [];
    for (const pull of pulls) {
      const what = `${pull.location} (${pull.sql.trim()})`;
      let opened: Awaited<ReturnType<KsqlEngine['openQuery']>>;
      try {
        opened = await this.engine.openQuery(pull.sql);
      } catch (err) {
        if (err instanceof KsqlRequestError) {
          problems.push(`${what} failed: ${err.message}`);
          continue;
        }
        throw err;
      }
      if (opened.kind !== 'pull') {
        if (opened.kind === 'print') opened.close();
        else opened.handle.close();
        problems.push(`${what} is not a pull query: leave out EMIT CHANGES.`);
        continue;
      }
      const { types } = opened.query;
      const rows: unknown[][] = [];
      for await (const batch of opened.query.rows) rows.push(...batch.rows);
      const shown = (row: unknown[]) =>
        `[${row.map((v, i) => renderValue({ type: types[i], value: v as TypedValue['value'] })).join(', ')}]`;
      const expectedRows = pull.rows.map((r) => `[${r.map(printJson).join(', ')}]`);
      const differences: string[] = [];
      if (rows.length !== pull.rows.length) {
        differences.push(`expected ${pull.rows.length} row(s) but got ${rows.length}`);
      }
      for (let r = 0; r < Math.min(rows.length, pull.rows.length); r++) {
        const expected = pull.rows[r];
        if (expected.length !== rows[r].length) {
          differences.push(
            `rows[${r}] has ${rows[r].length} column(s) where ${expected.length} were expected`,
          );
          continue;
        }
        for (let c = 0; c < expected.length; c++) {
          const problem = matchExpected(
            expected[c],
            { type: types[c], value: rows[r][c] as TypedValue['value'] },
            `rows[${r}][${c}] (${opened.query.columnNames[c]})`,
          );
          if (problem !== undefined) differences.push(problem);
        }
      }
      if (differences.length > 0) {
        problems.push(
          [
            `${what} answered differently: ${differences.join('; ')}.`,
            `Expected rows: ${expectedRows.join(', ') || 'none'}`,
            `Actual rows:   ${rows.map(shown).join(', ') || 'none'}`,
          ].join('\n'),
        );
      }
    }
    return problems;
  }

  private async compare(testCase: TestCase): Promise<string[]> {
    const byTopic = new Map<string, RecordSpec[]>();
    for (const output of testCase.outputs) {
      byTopic.set(output.topic, [...(byTopic.get(output.topic) ?? []), output]);
    }
    const problems: string[] = [];
    for (const [topic, expected] of byTopic) {
      const source = sourceFor(this.engine.metastore.all(), topic, 'sink');
      if (source === undefined || !(await this.log.hasTopic(topic))) {
        problems.push(
          `Topic '${topic}' (${expected[0].location}) is not the topic of any stream or table the statements create.`,
        );
        continue;
      }
      const codec = new TopicCodec(source, this.registry);
      const actual: ActualRecord[] = (await readAll(this.log, topic)).map((r) => ({
        timestamp: r.timestamp,
        headers: r.headers,
        key: decoded(() => codec.decodeKey(r.key)),
        window: windowOf(codec, r.key),
        value: decoded(() => codec.decodeValue(r.value)),
      }));
      problems.push(
        ...diffTopic(topic, expected, actual, { zeroTimestampMatchesAny: testCase.inputs.length === 0 }),
      );
    }
    return problems;
  }
}

/** Runs a test case on a throwaway data dir, removed afterwards; never throws for a failing test. */
export async function runTestCase(testCase: TestCase, options: RunOptions = {}): Promise<TestOutcome> {
  const dir = mkdtempSync(join(options.tempParent ?? tmpdir(), 'sluice-test-runner-'));
  try {
    const log = await SegmentLog.open({ dataDir: join(dir, 'data'), cleanerIntervalMs: 0 });
    try {
      const config = loadServerConfig({
        // ksqlDB's test runner turns the record cache off: expected outputs list every update.
        flags: {
          'sluice.data.dir': join(dir, 'data'),
          'ksql.streams.auto.offset.reset': 'earliest',
          'ksql.streams.cache.max.bytes.buffering': '0',
        },
        env: {},
      });
      // AVRO schemas live in a registry of the test's own, over its log, as a server's do by default.
      const registry = new InProcessSchemaRegistryClient(await SchemaStore.open(log));
      const engine = await KsqlEngine.start(log, config, undefined, registry);
      try {
        return await new TestCaseRun(log, engine, options, registry).run(testCase);
      } catch (err) {
        if (err instanceof TestAbort) return failed(err.message, err.details);
        throw err;
      } finally {
        await engine.close();
      }
    } finally {
      await log.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
