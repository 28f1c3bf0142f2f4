// A Confluent Schema Registry client over HTTP(S): the calls the formats and converters make, with
// Confluent's headers, basic or bearer authentication, TLS, fail-over across URLs, and caches so a
// schema id or a registration costs one request per client, not one per record.
import {
  type RegistrySchema,
  type RegistrySchemaType,
  type RegistrySubjectVersion,
  type SchemaRegistryClient,
  SchemaRegistryError,
} from '../serde/index.js';
import type { RegistryClientSettings } from './client-settings.js';
import { httpExchange } from './http-exchange.js';
import { OAuthTokenSource } from './oauth-token-source.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const ACCEPT =
  'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5';

export class HttpSchemaRegistryClient implements SchemaRegistryClient {
  readonly location: string;
  private readonly settings: RegistryClientSettings;
  private readonly headers: Record<string, string>;
  private readonly byId = new Map<number, RegistrySchema>();
  private readonly pendingById = new Map<number, Promise<RegistrySchema>>();
  private readonly registered = new Map<string, number>();
  private readonly oauth: OAuthTokenSource | undefined;

  /** `now` is the clock the OAuth token cache reads (a test's own, or Date.now). */
  constructor(settings: RegistryClientSettings, options: { now?: () => number } = {}) {
    this.settings = settings;
    this.location = settings.urls.join(',');
    this.headers = {
      'Content-Type': CONTENT_TYPE,
      Accept: ACCEPT,
      'Confluent-Accept-Unknown-Properties': 'true',
    };
    // A bearer source is set explicitly, so it wins over user:password in a URL.
    if (settings.bearerToken !== undefined) {
      this.headers.Authorization = `Bearer ${settings.bearerToken}`;
    } else if (settings.basicAuth !== undefined && settings.oauth === undefined) {
      const { username, password } = settings.basicAuth;
      this.headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    if (settings.bearerToken !== undefined || settings.oauth !== undefined) {
      // Confluent Cloud's registry routes on these (Confluent's RestService sends them with a bearer token).
      if (settings.logicalCluster !== undefined) this.headers['target-sr-cluster'] = settings.logicalCluster;
      if (settings.identityPoolId !== undefined)
        this.headers['Confluent-Identity-Pool-Id'] = settings.identityPoolId;
    }
    this.oauth =
      settings.oauth === undefined
        ? undefined
        : new OAuthTokenSource(settings.oauth, {
            ...(settings.tls === undefined ? {} : { tls: settings.tls }),
            ...(options.now === undefined ? {} : { now: options.now }),
            timeoutMs: settings.requestTimeoutMs ?? 30_000,
          });
  }

  cachedSchemaById(id: number): RegistrySchema | undefined {
    return this.byId.get(id);
  }

  schemaById(id: number): Promise<RegistrySchema> {
    const cached = this.byId.get(id);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.pendingById.get(id);
    if (pending === undefined) {
      pending = this.call('GET', `/schemas/ids/${id}`)
        .then((body) => {
          const schema = toSchema(body);
          this.byId.set(id, schema);
          return schema;
        })
        .finally(() => this.pendingById.delete(id));
      this.pendingById.set(id, pending);
    }
    return pending;
  }

  async subjectVersion(subject: string, version: number | 'latest'): Promise<RegistrySubjectVersion> {
    const body = await this.call('GET', `/subjects/${encodeURIComponent(subject)}/versions/${version}`);
    const found = toSubjectVersion(body, subject);
    this.byId.set(found.id, found);
    return found;
  }

  /** `normalize`: the registry normalizes the schema first (Confluent's `normalize.schemas`). */
  async register(subject: string, schema: RegistrySchema, normalize = false): Promise<number> {
    const key = `${subject}\u0000${normalize}\u0000${contentKey(schema)}`;
    const known = this.registered.get(key);
    if (known !== undefined) return known;
    const body = await this.call(
      'POST',
      `/subjects/${encodeURIComponent(subject)}/versions${normalize ? '?normalize=true' : ''}`,
      requestBody(schema),
    );
    const id = Number((body as { id?: unknown }).id);
    if (!Number.isInteger(id))
      throw new SchemaRegistryError(
        `The Schema Registry at ${this.location} answered a registration without an id`,
        500,
        50005,
      );
    this.registered.set(key, id);
    return id;
  }

  async lookup(
    subject: string,
    schema: RegistrySchema,
    includeDeleted = false,
    normalize = false,
  ): Promise<RegistrySubjectVersion> {
    const params = [...(includeDeleted ? ['deleted=true'] : []), ...(normalize ? ['normalize=true'] : [])];
    const query = params.length === 0 ? '' : `?${params.join('&')}`;
    const body = await this.call(
      'POST',
      `/subjects/${encodeURIComponent(subject)}${query}`,
      requestBody(schema),
    );
    return toSubjectVersion(body, subject);
  }

  async deleteSubject(subject: string, permanent = false): Promise<number[]> {
    const body = await this.call(
      'DELETE',
      `/subjects/${encodeURIComponent(subject)}${permanent ? '?permanent=true' : ''}`,
    );
    return Array.isArray(body) ? body.map(Number) : [];
  }

  /** One request, tried on each URL in turn while the registry cannot be reached; a registry's answer is final. */
  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers =
      this.oauth === undefined
        ? this.headers
        : { ...this.headers, Authorization: `Bearer ${(await this.oauth.token()).value}` };
    let unreachable: Error | undefined;
    for (const base of this.settings.urls) {
      let response: { status: number; text: string };
      try {
        response = await httpExchange(
          method,
          `${base}${path}`,
          headers,
          payload,
          this.settings.tls,
          this.settings.requestTimeoutMs ?? 30_000,
        );
      } catch (err) {
        unreachable = err as Error;
        continue;
      }
      let parsed: unknown;
      try {
        parsed = response.text === '' ? null : JSON.parse(response.text);
      } catch {
        parsed = undefined;
      }
      if (response.status >= 200 && response.status < 300) {
        if (parsed === undefined)
          throw new SchemaRegistryError(
            `The Schema Registry at ${base} answered ${method} ${path} with a body that is not JSON`,
            response.status,
            50005,
          );
        return parsed;
      }
      const error = parsed as { error_code?: unknown; message?: unknown } | null | undefined;
      const code =
        typeof error?.error_code === 'number' ? error.error_code : response.status === 401 ? 40101 : 50005;
      const message =
        typeof error?.message === 'string'
          ? error.message
          : response.status === 401
            ? `Unauthorized: the Schema Registry at ${base} refused the credentials (check the basic or bearer auth settings)`
            : response.status === 403
              ? `Forbidden: the Schema Registry at ${base} does not allow ${method} ${path} for these credentials`
              : `HTTP ${response.status} from the Schema Registry at ${base}: ${response.text.slice(0, 200)}`;
      throw new SchemaRegistryError(message, response.status, code);
    }
    throw new SchemaRegistryError(
      `Cannot reach the Schema Registry at ${this.location}: ${unreachable?.message ?? 'no URL'}. Check that it runs and that ksql.schema.registry.url (or the converter's schema.registry.url) names it.`,
      0,
      50005,
      { cause: unreachable },
    );
  }
}

function requestBody(schema: RegistrySchema): Record<string, unknown> {
  return {
    schema: schema.schema,
    // Confluent's clients leave AVRO implicit; older registries know no schemaType field.
    ...(schema.schemaType === 'AVRO' ? {} : { schemaType: schema.schemaType }),
    ...(schema.references.length === 0 ? {} : { references: schema.references }),
  };
}

export function contentKey(schema: RegistrySchema): string {
  return `${schema.schemaType}\u0000${schema.schema}\u0000${JSON.stringify(schema.references)}`;
}

function toSchema(body: unknown): RegistrySchema {
  const b = (body ?? {}) as { schema?: unknown; schemaType?: unknown; references?: unknown };
  const schemaType = (
    typeof b.schemaType === 'string' ? b.schemaType.toUpperCase() : 'AVRO'
  ) as RegistrySchemaType;
  return {
    schemaType,
    schema: String(b.schema ?? ''),
    references: Array.isArray(b.references)
      ? b.references.map((r: { name?: unknown; subject?: unknown; version?: unknown }) => ({
          name: String(r.name),
          subject: String(r.subject),
          version: Number(r.version),
        }))
      : [],
  };
}

function toSubjectVersion(body: unknown, subject: string): RegistrySubjectVersion {
  const b = (body ?? {}) as { subject?: unknown; version?: unknown; id?: unknown };
  return {
    ...toSchema(body),
    subject: typeof b.subject === 'string' ? b.subject : subject,
    version: Number(b.version),
    id: Number(b.id),
  };
}
