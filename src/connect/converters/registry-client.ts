/**
 * The few Schema Registry calls Confluent's converters make (register, look up, latest version,
 * schema by id), over HTTP to `schema.registry.url`, with basic auth from `basic.auth.user.info`
 * (or user info in the URL). Answers are cached by the converter, not here. The SQL side has its
 * own client (ksql.schema.registry.url); this one takes the converter's settings as Confluent's
 * serializers do.
 */

export interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

export interface RegisteredSchema {
  readonly id: number;
  readonly schemaType: string;
  readonly schema: string;
  readonly references: readonly SchemaReference[];
}

/** A registry error answer, printed as Confluent's RestClientException is. */
export class RegistryClientError extends Error {
  override readonly name = 'RestClientException';
  readonly status: number;
  readonly errorCode: number;
  constructor(message: string, status: number, errorCode: number) {
    super(`${message}; error code: ${errorCode}`);
    this.status = status;
    this.errorCode = errorCode;
  }
}

export interface RegistryClientSettings {
  /** schema.registry.url: one or more base URLs, tried in turn. */
  readonly urls: readonly string[];
  /** user:password for BASIC auth, when configured. */
  readonly userInfo?: string;
}

function requestBody(schemaType: string, schema: string, references: readonly SchemaReference[]): object {
  return {
    schema,
    ...(schemaType === 'AVRO' ? {} : { schemaType }),
    ...(references.length === 0 ? {} : { references }),
  };
}

export class RegistryClient {
  private readonly urls: readonly URL[];
  private readonly authorization: string | undefined;

  constructor(settings: RegistryClientSettings) {
    if (settings.urls.length === 0) throw new Error('schema.registry.url names no registry');
    this.urls = settings.urls.map((u) => {
      try {
        return new URL(u);
      } catch {
        throw new Error(
          `Invalid schema.registry.url ${u}: give an http(s) URL such as http://localhost:8081`,
        );
      }
    });
    const inUrl =
      this.urls[0].username !== ''
        ? `${decodeURIComponent(this.urls[0].username)}:${decodeURIComponent(this.urls[0].password)}`
        : undefined;
    const userInfo = settings.userInfo ?? inUrl;
    this.authorization =
      userInfo === undefined ? undefined : `Basic ${Buffer.from(userInfo).toString('base64')}`;
  }

  /** POST /subjects/{subject}/versions: the id of the schema, registered if new. */
  async register(
    subject: string,
    schemaType: string,
    schema: string,
    normalize: boolean,
    references: readonly SchemaReference[] = [],
  ): Promise<number> {
    const body = await this.call(
      'POST',
      `/subjects/${encodeURIComponent(subject)}/versions${normalize ? '?normalize=true' : ''}`,
      requestBody(schemaType, schema, references),
    );
    return Number((body as { id: number }).id);
  }

  /** POST /subjects/{subject}: the id and version of this schema when the subject has it (40403 otherwise). */
  async lookup(
    subject: string,
    schemaType: string,
    schema: string,
    normalize: boolean,
    references: readonly SchemaReference[] = [],
  ): Promise<{ id: number; version: number }> {
    const body = (await this.call(
      'POST',
      `/subjects/${encodeURIComponent(subject)}${normalize ? '?normalize=true' : ''}`,
      requestBody(schemaType, schema, references),
    )) as { id: number; version: number };
    return { id: Number(body.id), version: Number(body.version) };
  }

  /** GET /subjects/{subject}/versions/{version}. */
  async version(subject: string, version: number): Promise<RegisteredSchema> {
    const body = (await this.call('GET', `/subjects/${encodeURIComponent(subject)}/versions/${version}`)) as {
      id: number;
      schemaType?: string;
      schema: string;
      references?: SchemaReference[];
    };
    return {
      id: body.id,
      schemaType: body.schemaType ?? 'AVRO',
      schema: body.schema,
      references: body.references ?? [],
    };
  }

  /** GET /subjects/{subject}/versions/latest. */
  async latest(subject: string): Promise<RegisteredSchema> {
    const body = (await this.call('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`)) as {
      id: number;
      schemaType?: string;
      schema: string;
      references?: SchemaReference[];
    };
    return {
      id: body.id,
      schemaType: body.schemaType ?? 'AVRO',
      schema: body.schema,
      references: body.references ?? [],
    };
  }

  /** GET /schemas/ids/{id}. */
  async byId(id: number): Promise<RegisteredSchema> {
    const body = (await this.call('GET', `/schemas/ids/${id}`)) as {
      schemaType?: string;
      schema: string;
      references?: SchemaReference[];
    };
    return {
      id,
      schemaType: body.schemaType ?? 'AVRO',
      schema: body.schema,
      references: body.references ?? [],
    };
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let lastError: unknown;
    for (const base of this.urls) {
      const url = new URL(base.pathname.replace(/\/$/, '') + path, base);
      url.username = '';
      url.password = '';
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: {
            accept: 'application/vnd.schemaregistry.v1+json, application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/vnd.schemaregistry.v1+json' }),
            ...(this.authorization === undefined ? {} : { authorization: this.authorization }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (err) {
        // Unreachable: try the next URL, as Confluent's client does.
        lastError = new Error(`Schema Registry at ${base.origin} is unreachable: ${(err as Error).message}`);
        continue;
      }
      const text = await response.text();
      let json: unknown;
      try {
        json = text === '' ? {} : JSON.parse(text);
      } catch {
        json = { message: text };
      }
      if (!response.ok) {
        const e = json as { error_code?: number; message?: string };
        throw new RegistryClientError(
          e.message ?? `HTTP ${response.status}`,
          response.status,
          e.error_code ?? response.status,
        );
      }
      return json;
    }
    throw lastError;
  }
}
