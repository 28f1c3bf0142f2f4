// The Schema Registry client the server uses when ksql.schema.registry.url is unset: the same calls
// as over HTTP, answered by Sluice's own store in this process, with the same errors.
import { SluiceError } from '../errors/index.js';
import {
  type RegistrySchema,
  type RegistrySchemaType,
  type RegistrySubjectVersion,
  type SchemaRegistryClient,
  SchemaRegistryError,
} from '../serde/index.js';
import type { SchemaStore, SchemaVersion } from './schema-store.js';

export class InProcessSchemaRegistryClient implements SchemaRegistryClient {
  readonly location = "Sluice's own Schema Registry (in-process)";
  private readonly store: SchemaStore;

  constructor(store: SchemaStore) {
    this.store = store;
  }

  cachedSchemaById(id: number): RegistrySchema | undefined {
    try {
      return this.schemaByIdNow(id);
    } catch {
      return undefined;
    }
  }

  async schemaById(id: number): Promise<RegistrySchema> {
    return this.schemaByIdNow(id);
  }

  async subjectVersion(subject: string, version: number | 'latest'): Promise<RegistrySubjectVersion> {
    return translated(() => toSubjectVersion(this.store.version(subject, version, false)));
  }

  async register(subject: string, schema: RegistrySchema): Promise<number> {
    try {
      return (await this.store.register(subject, schema)).id;
    } catch (err) {
      throw translate(err);
    }
  }

  async lookup(
    subject: string,
    schema: RegistrySchema,
    includeDeleted = false,
  ): Promise<RegistrySubjectVersion> {
    return translated(() => toSubjectVersion(this.store.lookup(subject, schema, includeDeleted)));
  }

  async deleteSubject(subject: string, permanent = false): Promise<number[]> {
    try {
      return await this.store.deleteSubject(subject, permanent);
    } catch (err) {
      throw translate(err);
    }
  }

  private schemaByIdNow(id: number): RegistrySchema {
    return translated(() => {
      const found = this.store.schemaById(id);
      return {
        schemaType: found.schemaType as RegistrySchemaType,
        schema: found.schema,
        references: found.references,
      };
    });
  }
}

function toSubjectVersion(v: SchemaVersion): RegistrySubjectVersion {
  return {
    subject: v.subject,
    version: v.version,
    id: v.id,
    schemaType: v.schemaType as RegistrySchemaType,
    schema: v.schema,
    references: v.references,
  };
}

function translated<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw translate(err);
  }
}

/** The store's SluiceErrors as a remote registry's answers, so callers handle one kind. */
function translate(err: unknown): unknown {
  if (err instanceof SluiceError)
    return new SchemaRegistryError(err.message, err.httpStatus, err.errorCode, { cause: err });
  return err;
}
