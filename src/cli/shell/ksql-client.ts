import {
  isQueryStreamHeader,
  isServerErrorBody,
  type QueryStreamHeader,
  type ServerEntity,
  type ServerErrorBody,
} from './ksql-entity.js';

/** The server could not be reached at all (refused, unknown host, reset). */
export class ServerUnreachableError extends Error {
  override readonly name = 'ServerUnreachableError';
  readonly serverUrl: string;
  constructor(serverUrl: string, cause: unknown) {
    super(`Could not connect to ${serverUrl}: is \`sluice server\` running?`, { cause });
    this.serverUrl = serverUrl;
  }
}

/** The server answered with an error body (or something that is not ksqlDB JSON at all). */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  readonly body: ServerErrorBody;
  constructor(body: ServerErrorBody) {
    super(body.message);
    this.body = body;
  }
}

/** Request-scoped state the shell sends with every statement, as ksqlDB's CLI does. */
export interface RequestScope {
  readonly properties: Readonly<Record<string, string>>;
  readonly variables: Readonly<Record<string, string>>;
}

export interface ServerInfo {
  readonly version: string;
  readonly serverStatus?: string;
}

export interface QueryStream extends QueryStreamHeader {
  /** Rows as the server sends them; ends when the query ends or the request is aborted. */
  readonly rows: AsyncIterable<readonly unknown[]>;
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

/** Talks to a Sluice (or ksqlDB) server over its REST API. */
export class KsqlClient {
  readonly serverUrl: string;
  /** Sent with every request when the server asks for basic authentication. */
  readonly authorization: string | undefined;

  constructor(serverUrl: string, authorization?: string) {
    this.serverUrl = serverUrl.replace(/\/+$/, '');
    this.authorization = authorization;
  }

  private headers(accept?: string): Record<string, string> {
    return {
      ...JSON_HEADERS,
      ...(accept === undefined ? {} : { accept }),
      ...(this.authorization === undefined ? {} : { authorization: this.authorization }),
    };
  }

  private async post(path: string, body: unknown, signal?: AbortSignal, accept?: string): Promise<Response> {
    try {
      return await fetch(this.serverUrl + path, {
        method: 'POST',
        headers: this.headers(accept),
        body: JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ServerUnreachableError(this.serverUrl, err);
    }
  }

  async serverInfo(): Promise<ServerInfo> {
    let res: Response;
    try {
      res = await fetch(`${this.serverUrl}/info`, { headers: this.headers() });
    } catch (err) {
      throw new ServerUnreachableError(this.serverUrl, err);
    }
    const body = (await readJson(res)) as { KsqlServerInfo?: ServerInfo };
    if (!res.ok || body.KsqlServerInfo === undefined) throw new ServerError(errorBody(res, body));
    return body.KsqlServerInfo;
  }

  /** POST /ksql: the entities of the statements, or a ServerError with those that ran before. */
  async execute(ksql: string, scope: RequestScope): Promise<ServerEntity[]> {
    const res = await this.post('/ksql', {
      ksql,
      streamsProperties: scope.properties,
      sessionVariables: scope.variables,
    });
    const body = await readJson(res);
    if (!res.ok || !Array.isArray(body)) throw new ServerError(errorBody(res, body));
    return body as ServerEntity[];
  }

  /**
   * POST /query-stream in the delimited format: the lines of the answer (for SELECT a header line,
   * then one JSON array per row). Ends when the query ends or `signal` aborts.
   */
  async streamLines(sql: string, scope: RequestScope, signal: AbortSignal): Promise<AsyncIterator<string>> {
    const res = await this.post(
      '/query-stream',
      { sql, properties: scope.properties, sessionVariables: scope.variables },
      signal,
      'application/vnd.ksqlapi.delimited.v1',
    );
    if (!res.ok || res.body === null) throw new ServerError(errorBody(res, await readJson(res)));
    return readLines(res.body, signal)[Symbol.asyncIterator]();
  }

  /** A push or pull query: its columns, then its rows as they come. */
  async streamQuery(sql: string, scope: RequestScope, signal: AbortSignal): Promise<QueryStream> {
    const lines = await this.streamLines(sql, scope, signal);
    const first = await lines.next();
    const meta: unknown = first.done ? undefined : JSON.parse(first.value);
    if (!isQueryStreamHeader(meta)) {
      throw new ServerError({ message: `Unexpected answer from ${this.serverUrl}/query-stream.` });
    }
    return {
      queryId: meta.queryId,
      columnNames: meta.columnNames,
      columnTypes: meta.columnTypes,
      rows: rowsOf({ [Symbol.asyncIterator]: () => lines }),
    };
  }

  /** POST /close-query; a query the server no longer knows is fine (it may have just ended). */
  async closeQuery(queryId: string): Promise<void> {
    try {
      await (await this.post('/close-query', { queryId })).arrayBuffer();
    } catch {
      // Closing is best effort: aborting the request stops the query on the server too.
    }
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

function errorBody(res: Response, body: unknown): ServerErrorBody {
  if (isServerErrorBody(body)) return body;
  const detail = typeof body === 'string' && body.trim() !== '' ? `: ${body.trim()}` : '';
  return { message: `The server answered HTTP ${res.status} ${res.statusText}${detail}` };
}

async function* readLines(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for await (const chunk of body) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline = buffered.indexOf('\n');
      while (newline !== -1) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line !== '') yield line;
        newline = buffered.indexOf('\n');
      }
    }
  } catch (err) {
    // Aborting is how the shell stops a query; it is not an error.
    if (!signal.aborted) throw err;
    return;
  }
  if (buffered.trim() !== '') yield buffered.trim();
}

/**
 * Row arrays. A query failing midway ends with an error body (Sluice and ksqlDB write it bare in the
 * delimited format; older servers wrapped it in `{"errorMessage": …}`): it becomes a ServerError.
 */
export async function* rowsOf(lines: AsyncIterable<string>): AsyncGenerator<readonly unknown[]> {
  for await (const line of lines) {
    const value = JSON.parse(line) as unknown;
    if (Array.isArray(value)) {
      yield value;
    } else if (isServerErrorBody(value)) {
      throw new ServerError(value);
    } else if (typeof value === 'object' && value !== null && 'errorMessage' in value) {
      const error = (value as { errorMessage: unknown }).errorMessage;
      throw new ServerError(isServerErrorBody(error) ? error : { message: String(error) });
    }
  }
}
