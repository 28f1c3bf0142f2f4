import {
  type RegistrySchema,
  type RegistrySubjectVersion,
  type SchemaRegistryClient,
  SchemaRegistryError,
} from '../serde/index.js';

/** Where a sandbox's ids start, counting down: clear of a real registry's, which count up from 1. */
const FIRST_SANDBOX_ID = 2 ** 31 - 1;

function sameSchema(a: RegistrySchema, b: RegistrySchema): boolean {
  return (
    a.schemaType === b.schemaType &&
    a.schema === b.schema &&
    JSON.stringify(a.references) === JSON.stringify(b.references)
  );
}

/**
 * The Schema Registry as a request's validation sees it (ksqlDB's SandboxedSchemaRegistryClient):
 * reads go to the real registry, and also answer what the request registered so far; registering
 * records the schema here only, under a stand-in id counting down from 2^31-1, so that a later
 * statement of the same request (a CREATE inferring its columns from `<topic>-value`, an INSERT
 * serializing with the id) sees it. Nothing reaches the real registry; deletes are swallowed.
 */
export class SandboxSchemaRegistry implements SchemaRegistryClient {
  private readonly delegate: SchemaRegistryClient;
  private readonly byId = new Map<number, RegistrySchema>();
  /** Each subject's versions registered in the sandbox, oldest first. */
  private readonly bySubject = new Map<string, RegistrySubjectVersion[]>();
  private nextId = FIRST_SANDBOX_ID;

  constructor(delegate: SchemaRegistryClient) {
    this.delegate = delegate;
  }

  get location(): string {
    return this.delegate.location;
  }

  async schemaById(id: number): Promise<RegistrySchema> {
    return this.byId.get(id) ?? this.delegate.schemaById(id);
  }

  cachedSchemaById(id: number): RegistrySchema | undefined {
    return this.byId.get(id) ?? this.delegate.cachedSchemaById(id);
  }

  async subjectVersion(subject: string, version: number | 'latest'): Promise<RegistrySubjectVersion> {
    const own = this.bySubject.get(subject);
    if (own !== undefined) {
      const found = version === 'latest' ? own.at(-1) : own.find((v) => v.version === version);
      if (found !== undefined) return found;
    }
    return this.delegate.subjectVersion(subject, version);
  }

  async register(subject: string, schema: RegistrySchema): Promise<number> {
    const own = this.bySubject.get(subject) ?? [];
    const known = own.find((v) => sameSchema(v, schema));
    if (known !== undefined) return known.id;
    // A schema the real subject already holds keeps its real id, as registering it there would.
    const existing = await this.delegate.lookup(subject, schema).catch(notFoundAsUndefined);
    if (existing !== undefined) return existing.id;
    const latest =
      own.at(-1)?.version ??
      (await this.delegate.subjectVersion(subject, 'latest').catch(notFoundAsUndefined))?.version ??
      0;
    const id = this.nextId--;
    const registered = { ...schema, subject, version: latest + 1, id };
    this.byId.set(id, schema);
    this.bySubject.set(subject, [...own, registered]);
    return id;
  }

  async lookup(
    subject: string,
    schema: RegistrySchema,
    includeDeleted?: boolean,
  ): Promise<RegistrySubjectVersion> {
    const known = this.bySubject.get(subject)?.find((v) => sameSchema(v, schema));
    return known ?? this.delegate.lookup(subject, schema, includeDeleted);
  }

  async deleteSubject(): Promise<number[]> {
    return [];
  }
}

function notFoundAsUndefined(err: unknown): undefined {
  if (err instanceof SchemaRegistryError && err.notFound) return undefined;
  throw err;
}
