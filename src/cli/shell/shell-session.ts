import { OutputWriter } from '../output-writer.js';
import { jacksonPretty } from './jackson-json.js';
import { KsqlClient, type RequestScope, ServerError, ServerUnreachableError } from './ksql-client.js';
import { type CurrentStatusEntity, isKnownEntity, type ServerEntity } from './ksql-entity.js';
import { queryRowLayout, renderQueryHeader, renderQueryRow } from './query-rows.js';
import { renderEntityList } from './render-entity.js';
import { classifyStatement, type ShellStatement } from './statement-kind.js';
import { splitStatements } from './statement-splitter.js';

export type OutputFormat = 'TABULAR' | 'JSON';

export interface ShellSessionOptions {
  readonly serverUrl: string;
  readonly outputFormat: OutputFormat;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** The terminal's width; undefined when the output is not a terminal. */
  readonly terminalWidth: number | undefined;
  readonly variables?: Readonly<Record<string, string>>;
  /** The Authorization header for a server with basic authentication. */
  readonly authorization?: string;
}

/** Push query cells are sized from the terminal; without one, from a common terminal's width. */
const DEFAULT_QUERY_WIDTH = 80;

/**
 * One shell session: the server it talks to, the output format, and the properties (SET) and
 * variables (DEFINE) it sends with every request. Runs SQL text statement by statement.
 */
export class ShellSession {
  private client: KsqlClient;
  outputFormat: OutputFormat;
  private readonly out: OutputWriter;
  private readonly stderr: NodeJS.WritableStream;
  private readonly terminalWidth: number | undefined;
  private readonly properties = new Map<string, string>();
  private readonly variables = new Map<string, string>();
  private stopRunningQuery: (() => void) | undefined;

  constructor(options: ShellSessionOptions) {
    this.client = new KsqlClient(options.serverUrl, options.authorization);
    this.outputFormat = options.outputFormat;
    this.stderr = options.stderr;
    this.terminalWidth = options.terminalWidth;
    // Output gone (e.g. piped into `head`): stop the query that is filling it.
    this.out = new OutputWriter(options.stdout, () => this.cancelRunningQuery());
    for (const [name, value] of Object.entries(options.variables ?? {})) this.defineVariable(name, value);
  }

  get serverUrl(): string {
    return this.client.serverUrl;
  }

  /** Points the session at another server; properties and variables stay. */
  useServer(url: string): void {
    this.client = new KsqlClient(url, this.client.authorization);
  }

  serverInfo() {
    return this.client.serverInfo();
  }

  print(text: string): Promise<void> {
    return this.out.write(text);
  }

  printError(message: string): void {
    this.stderr.write(message.endsWith('\n') ? message : `${message}\n`);
  }

  get isQueryRunning(): boolean {
    return this.stopRunningQuery !== undefined;
  }

  /** Ctrl-C while a query streams: stop that query, not the shell. */
  cancelRunningQuery(): boolean {
    const stop = this.stopRunningQuery;
    if (stop === undefined) return false;
    stop();
    return true;
  }

  private scope(): RequestScope {
    return { properties: Object.fromEntries(this.properties), variables: Object.fromEntries(this.variables) };
  }

  /**
   * Runs every statement in `text` in order; a trailing statement without `;` runs too. Stops at
   * the first failure and resolves to false then.
   */
  async runSql(text: string): Promise<boolean> {
    const { statements, rest } = splitStatements(text);
    if (rest.trim() !== '') statements.push(`${rest.trim()};`);
    return this.runStatements(statements);
  }

  /** Runs complete statements; consecutive server statements go in one request, as ksqlDB's CLI sends them. */
  async runStatements(statements: readonly string[]): Promise<boolean> {
    let batch: string[] = [];
    const flush = async () => {
      const ok = batch.length === 0 || (await this.guarded(() => this.execute(batch.join('\n'))));
      batch = [];
      return ok;
    };
    for (const text of statements) {
      const statement = classifyStatement(text);
      if (statement.kind === 'server') {
        batch.push(statement.text);
        continue;
      }
      if (!(await flush())) return false;
      if (!(await this.guarded(() => this.runLocal(statement)))) return false;
    }
    return flush();
  }

  /** Runs `action`, printing its failure (server error, unreachable server) as a message. */
  private async guarded(action: () => Promise<void>): Promise<boolean> {
    try {
      await action();
      return true;
    } catch (err) {
      await this.reportFailure(err);
      return false;
    }
  }

  private async reportFailure(err: unknown): Promise<void> {
    if (err instanceof ServerError) {
      // A failed request still shows what the statements before the failing one did.
      const done = err.body.entities ?? [];
      if (done.length > 0) await this.printEntities(done);
      this.printError(err.body.message);
    } else if (err instanceof ServerUnreachableError || err instanceof ShellStatementError) {
      this.printError(err.message);
    } else {
      throw err;
    }
  }

  private async execute(ksql: string): Promise<void> {
    const entities = await this.client.execute(ksql, this.scope());
    // ksqlDB reports a command that failed while running as an error, not as a table.
    const failed = entities.find(
      (e): e is CurrentStatusEntity =>
        isKnownEntity(e) && e['@type'] === 'currentStatus' && e.commandStatus.status === 'ERROR',
    );
    if (failed !== undefined) throw new ShellStatementError(failed.commandStatus.message.split('\n')[0]);
    await this.printEntities(entities);
  }

  private printEntities(entities: readonly ServerEntity[]): Promise<void> {
    if (this.outputFormat === 'JSON') return this.print(`${jacksonPretty(entities)}\n`);
    return this.print(renderEntityList(entities, { width: this.terminalWidth }));
  }

  private async runLocal(statement: Exclude<ShellStatement, { kind: 'server' }>): Promise<void> {
    switch (statement.kind) {
      case 'query':
        return this.runQuery(statement.text, statement.limit);
      case 'print':
        return this.runPrint(statement.text);
      case 'setProperty': {
        const prior = this.properties.get(statement.name);
        this.properties.set(statement.name, statement.value);
        return this.print(
          prior === undefined
            ? `Successfully changed local property '${statement.name}' to '${statement.value}'. Use the UNSET command to revert your change.\n`
            : `Successfully changed local property '${statement.name}' from '${prior}' to '${statement.value}'.\n`,
        );
      }
      case 'unsetProperty': {
        const prior = this.properties.get(statement.name);
        if (prior === undefined) {
          throw new ShellStatementError(
            `Cannot unset local property '${statement.name}' which was never set in the first place`,
          );
        }
        this.properties.delete(statement.name);
        return this.print(`Successfully unset local property '${statement.name}' (value was '${prior}').\n`);
      }
      case 'defineVariable':
        this.defineVariable(statement.name, statement.value);
        return;
      case 'undefineVariable':
        if (!this.undefineVariable(statement.name)) {
          await this.print(`Cannot undefine variable '${statement.name}' which was never defined.\n`);
        }
        return;
      case 'listVariables':
        return this.printEntities([
          {
            '@type': 'variables',
            statementText: statement.text,
            variables: [...this.variables].map(([name, value]) => ({ name, value })),
            warnings: [],
          },
        ]);
    }
  }

  /** Variable names are case-insensitive, as in ksqlDB. */
  private defineVariable(name: string, value: string): void {
    this.undefineVariable(name);
    this.variables.set(name, value);
  }

  private undefineVariable(name: string): boolean {
    const existing = [...this.variables.keys()].find((k) => k.toUpperCase() === name.toUpperCase());
    return existing !== undefined && this.variables.delete(existing);
  }

  /**
   * Streams a query's rows as they arrive until its LIMIT, the server ending it, or Ctrl-C
   * (`cancelRunningQuery`), which closes the query on the server and returns to the prompt.
   */
  private async runQuery(sql: string, limit: number | undefined): Promise<void> {
    await this.streaming(async (signal, onQueryId) => {
      const query = await this.client.streamQuery(sql, this.scope(), signal);
      onQueryId(query.queryId);
      const layout = queryRowLayout(this.terminalWidth ?? DEFAULT_QUERY_WIDTH, query.columnNames.length);
      const json = this.outputFormat === 'JSON';
      const header = {
        queryId: query.queryId,
        columnNames: query.columnNames,
        columnTypes: query.columnTypes,
      };
      await this.print(json ? `${jacksonPretty(header)}\n` : renderQueryHeader(query.columnNames, layout));
      let count = 0;
      for await (const row of query.rows) {
        await this.print(json ? `${jacksonPretty(row)}\n` : renderQueryRow(row, layout));
        count++;
      }
      // The delimited format has no final message; a query that ended by itself at its LIMIT did so.
      if (!signal.aborted && limit !== undefined && count >= limit) await this.print('Limit Reached\n');
    });
    await this.print('Query terminated\n');
  }

  /** PRINT streams the topic's records as lines of text until Ctrl-C. */
  private async runPrint(sql: string): Promise<void> {
    await this.streaming(async (signal) => {
      const lines = await this.client.streamLines(sql, this.scope(), signal);
      for (let next = await lines.next(); !next.done; next = await lines.next()) {
        await this.print(`${next.value}\n`);
      }
    });
    await this.print('Topic printing ceased\n');
  }

  /**
   * Runs a streaming request that Ctrl-C (SIGINT to the process, or the interactive shell calling
   * `cancelRunningQuery`) stops by aborting the request and closing the query on the server.
   */
  private async streaming(
    run: (signal: AbortSignal, onQueryId: (id: string) => void) => Promise<void>,
  ): Promise<void> {
    const abort = new AbortController();
    let queryId: string | undefined;
    let closing: Promise<void> | undefined;
    this.stopRunningQuery = () => {
      if (abort.signal.aborted) return;
      if (queryId !== undefined) closing = this.client.closeQuery(queryId);
      abort.abort();
    };
    const onSigint = () => this.cancelRunningQuery();
    process.on('SIGINT', onSigint);
    try {
      await run(abort.signal, (id) => {
        queryId = id;
      });
    } catch (err) {
      if (!abort.signal.aborted) throw err;
    } finally {
      process.off('SIGINT', onSigint);
      this.stopRunningQuery = undefined;
      await closing;
    }
  }

  dispose(): void {
    this.out.dispose();
  }
}

/** A statement the shell itself refused (e.g. UNSET of a property never set). */
export class ShellStatementError extends Error {
  override readonly name = 'ShellStatementError';
}
