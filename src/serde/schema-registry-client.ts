// What the schema formats (AVRO, PROTOBUF, JSON_SR) and the Connect converters need from a
// Confluent Schema Registry. Implemented in registry/: over HTTP (ksql.schema.registry.url) and
// in-process over Sluice's own store; the formats see only this interface.

/** The registry's schema types; a missing `schemaType` means AVRO. */
export type RegistrySchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

export interface RegistrySchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

/** A schema as `GET /schemas/ids/{id}` gives it. */
export interface RegistrySchema {
  readonly schemaType: RegistrySchemaType;
  readonly schema: string;
  readonly references: readonly RegistrySchemaReference[];
}

/** One version of a subject, as `GET /subjects/{s}/versions/{v}` gives it. */
export interface RegistrySubjectVersion extends RegistrySchema {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
}

export interface SchemaRegistryClient {
  /** Where the registry is, for messages: its URL, or "Sluice's own registry (in-process)". */
  readonly location: string;
  /** The schema with this global id; fetched once, then cached for the client's life. */
  schemaById(id: number): Promise<RegistrySchema>;
  /** The cached schema for an id, if it was fetched already: lets a hot path stay synchronous. */
  cachedSchemaById(id: number): RegistrySchema | undefined;
  /** A version of a subject, `latest` for the newest live one. */
  subjectVersion(subject: string, version: number | 'latest'): Promise<RegistrySubjectVersion>;
  /** Registers (or finds, when identical) a schema under a subject; resolves to its global id. */
  register(subject: string, schema: RegistrySchema): Promise<number>;
  /** The version of `subject` holding this schema (`POST /subjects/{s}`), soft-deleted ones too if asked. */
  lookup(subject: string, schema: RegistrySchema, includeDeleted?: boolean): Promise<RegistrySubjectVersion>;
  /** Soft-deletes every version of a subject (`permanent` after that removes them); resolves to the versions. */
  deleteSubject(subject: string, permanent?: boolean): Promise<number[]>;
}

/**
 * A registry's refusal or failure, with Confluent's error code (40401 subject not found, 40403
 * schema not found, 409/40901 incompatible, 42201 invalid schema, …) and the HTTP status, or
 * status 0 when the registry could not be reached.
 */
export class SchemaRegistryError extends Error {
  override readonly name = 'SchemaRegistryError';
  readonly status: number;
  readonly errorCode: number;
  constructor(message: string, status: number, errorCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.errorCode = errorCode;
  }

  /** The subject or schema (or version) asked for is not there. */
  get notFound(): boolean {
    return this.status === 404;
  }
}

/**
 * The texts of a registered schema's references (Avro named types, Protobuf imports), each one's
 * own references first, so a parser that reads them in order meets every name before its use.
 */
export async function referencedSchemaTexts(
  registry: SchemaRegistryClient,
  references: readonly RegistrySchemaReference[],
): Promise<{ name: string; schema: string }[]> {
  const out: { name: string; schema: string }[] = [];
  for (const ref of references) {
    const found = await registry.subjectVersion(ref.subject, ref.version);
    out.push(...(await referencedSchemaTexts(registry, found.references)), {
      name: ref.name,
      schema: found.schema,
    });
  }
  return out;
}
