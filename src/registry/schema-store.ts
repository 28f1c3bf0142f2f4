import { SluiceError } from '../errors/index.js';
import { type Log, type LogRecord, replayToEnd } from '../log/index.js';
import { type CompatibilityLevel, compatibilityProblem } from './compatibility.js';
import {
  isSchemaType,
  type ParsedSchema,
  parseSchema,
  type ResolvedReference,
  SCHEMA_TYPES,
} from './schema-kinds.js';

/** Confluent's kafkastore.topic: one partition, compacted, keyed as Confluent keys it. */
export const SCHEMAS_TOPIC = '_schemas';

export interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

/** One version of a subject, as the SCHEMA records of `_schemas` hold it. */
export interface SchemaVersion {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly schemaType: string;
  readonly schema: string;
  readonly references: readonly SchemaReference[];
  readonly deleted: boolean;
}

export interface RegisterRequest {
  readonly schema: string;
  readonly schemaType?: string;
  readonly references?: readonly SchemaReference[];
  /** Honoured in IMPORT mode only: the id and version to register under. */
  readonly id?: number;
  readonly version?: number;
}

const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

/** Confluent's modes: READONLY refuses schema writes, IMPORT takes given ids and skips compatibility. */
export const MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'] as const;
export type Mode = (typeof MODES)[number];
const DEFAULT_MODE: Mode = 'READWRITE';

/**
 * The registry's state: every subject's versions, the global ids, the compatibility levels. Kept in
 * memory and written through to `_schemas` before a change is answered, so a restart replays it;
 * ids are global (one schema text and type, one id, whatever the subject) and never reused while
 * a version holds them. Writes are serialised, so two registrations never take the same id.
 */
export class SchemaStore {
  private readonly subjects = new Map<string, Map<number, SchemaVersion>>();
  private readonly schemasById = new Map<
    number,
    { schemaType: string; schema: string; references: readonly SchemaReference[] }
  >();
  private readonly idByContent = new Map<string, number>();
  private readonly configs = new Map<string, CompatibilityLevel>();
  private readonly modes = new Map<string, Mode>();
  private readonly parsed = new Map<string, ParsedSchema>();
  private maxId = 0;
  private writes: Promise<unknown> = Promise.resolve();

  private readonly log: Log;

  private constructor(log: Log) {
    this.log = log;
  }

  /** Creates `_schemas` when missing, then replays it. */
  static async open(log: Log): Promise<SchemaStore> {
    if (!(await log.hasTopic(SCHEMAS_TOPIC)))
      await log.createTopic(SCHEMAS_TOPIC, { partitions: 1, config: { 'cleanup.policy': 'compact' } });
    const store = new SchemaStore(log);
    await replayToEnd(log, SCHEMAS_TOPIC, (records) => {
      for (const record of records) store.apply(record);
    });
    return store;
  }

  // ---- reads ----

  subjectNames(includeDeleted: boolean): string[] {
    const names: string[] = [];
    for (const [name, versions] of this.subjects)
      if ([...versions.values()].some((v) => includeDeleted || !v.deleted)) names.push(name);
    return names.sort();
  }

  /** The subject's versions in order; throws 40401 when it has none (live ones unless `includeDeleted`). */
  versions(subject: string, includeDeleted: boolean): SchemaVersion[] {
    const found = [...(this.subjects.get(subject)?.values() ?? [])]
      .filter((v) => includeDeleted || !v.deleted)
      .sort((a, b) => a.version - b.version);
    if (found.length === 0) throw subjectNotFound(subject);
    return found;
  }

  /** A version by number, or the newest live one for `latest`. */
  version(subject: string, version: number | 'latest', includeDeleted: boolean): SchemaVersion {
    const all = this.versions(subject, includeDeleted || version !== 'latest');
    const found =
      version === 'latest' ? all.filter((v) => !v.deleted).at(-1) : all.find((v) => v.version === version);
    if (found === undefined || (found.deleted && !includeDeleted)) {
      if (version === 'latest') throw subjectNotFound(subject);
      throw new SluiceError('REGISTRY_VERSION_NOT_FOUND', `Version ${version} not found.`);
    }
    return found;
  }

  schemaById(id: number): { schemaType: string; schema: string; references: readonly SchemaReference[] } {
    const found = this.schemasById.get(id);
    if (found === undefined) throw new SluiceError('REGISTRY_SCHEMA_NOT_FOUND', `Schema ${id} not found`);
    return found;
  }

  /** The schema text as `?format=serialized` asks for it (PROTOBUF: a base64 FileDescriptorProto). */
  serialized(found: { schemaType: string; schema: string; references: readonly SchemaReference[] }): string {
    if (found.schemaType !== 'PROTOBUF') return found.schema;
    return this.parsedOf(found.schemaType, found.schema, found.references).serialized();
  }

  /** The versions holding schema `id`, by subject then version (GET /schemas/ids/{id}/versions). */
  versionsWithId(id: number, includeDeleted: boolean): SchemaVersion[] {
    const out: SchemaVersion[] = [];
    for (const name of [...this.subjects.keys()].sort())
      for (const v of [...(this.subjects.get(name)?.values() ?? [])].sort((a, b) => a.version - b.version))
        if (v.id === id && (includeDeleted || !v.deleted)) out.push(v);
    return out;
  }

  /** Ids of the schemas that reference this version (GET …/referencedby). */
  referencedBy(subject: string, version: number): number[] {
    const ids = new Set<number>();
    for (const versions of this.subjects.values())
      for (const v of versions.values())
        if (!v.deleted && v.references.some((r) => r.subject === subject && r.version === version))
          ids.add(v.id);
    return [...ids].sort((a, b) => a - b);
  }

  globalMode(): Mode {
    return this.modes.get('') ?? DEFAULT_MODE;
  }

  subjectMode(subject: string): Mode | undefined {
    return this.modes.get(subject);
  }

  /** The version of `subject` holding this schema (POST /subjects/{s}), canonicalised as register does. */
  lookup(
    subject: string,
    request: RegisterRequest,
    includeDeleted: boolean,
    normalize = false,
  ): SchemaVersion {
    const versions = this.versions(subject, includeDeleted);
    const { schemaType, canonical, references } = this.canonicalise(request, normalize);
    const found = versions.find(
      (v) =>
        v.schemaType === schemaType && v.schema === canonical && sameReferences(v.references, references),
    );
    if (found === undefined) throw new SluiceError('REGISTRY_SCHEMA_NOT_FOUND', 'Schema not found');
    return found;
  }

  globalCompatibility(): CompatibilityLevel {
    return this.configs.get('') ?? DEFAULT_COMPATIBILITY;
  }

  /** The subject's own level, or undefined when it has none. */
  subjectCompatibility(subject: string): CompatibilityLevel | undefined {
    return this.configs.get(subject);
  }

  /**
   * POST /compatibility/subjects/{s}/versions[/{v}]: why `request` breaks the subject's level
   * against one version (`latest` or a number; a subject with no versions passes `latest`), or
   * against the versions the level names (`all`). Empty when compatible.
   */
  compatibility(
    subject: string,
    request: RegisterRequest,
    version: number | 'latest' | 'all',
    normalize: boolean,
  ): string[] {
    const { parsed } = this.canonicalise(request, normalize);
    const level = this.configs.get(subject) ?? this.globalCompatibility();
    const live = [...(this.subjects.get(subject)?.values() ?? [])]
      .filter((v) => !v.deleted)
      .sort((a, b) => b.version - a.version);
    let against: SchemaVersion[];
    let checked = level;
    if (version === 'all') against = live;
    else {
      if (version === 'latest') against = live.slice(0, 1);
      else against = [this.version(subject, version, false)];
      checked = level.replace('_TRANSITIVE', '') as CompatibilityLevel;
    }
    const problem = compatibilityProblem(
      checked,
      parsed,
      against.map((v) => ({
        version: v.version,
        schema: v.schema,
        parsed: this.parsedOf(v.schemaType, v.schema, v.references),
      })),
    );
    return problem === undefined ? [] : [problem.message];
  }

  // ---- writes ----

  /**
   * Registers a schema under `subject`: an identical live version is answered as is; otherwise the
   * schema is checked against the subject's compatibility level and stored as the next version,
   * reusing the id any subject already gave the same schema.
   */
  register(subject: string, request: RegisterRequest, normalize = false): Promise<SchemaVersion> {
    return this.serialised(async () => {
      const mode = this.modeOf(subject);
      this.checkWritable(subject, mode);
      const importing = mode === 'IMPORT';
      if (request.id !== undefined && request.id >= 0 && !importing)
        throw new SluiceError('REGISTRY_OPERATION_NOT_PERMITTED', `Subject ${subject} is not in import mode`);
      const { schemaType, canonical, references, parsed } = this.canonicalise(request, normalize);
      const existing = [...(this.subjects.get(subject)?.values() ?? [])];
      const live = existing.filter((v) => !v.deleted).sort((a, b) => b.version - a.version);
      const same = live.find(
        (v) =>
          v.schemaType === schemaType && v.schema === canonical && sameReferences(v.references, references),
      );
      if (same !== undefined) {
        if (importing && request.id !== undefined && request.id >= 0 && request.id !== same.id)
          throw new SluiceError(
            'REGISTRY_ID_DOES_NOT_MATCH',
            `Schema already registered with id ${same.id} instead of input id ${request.id}`,
          );
        return same;
      }
      const level = this.configs.get(subject) ?? this.globalCompatibility();
      const problem = importing
        ? undefined
        : compatibilityProblem(
            level,
            parsed,
            live.map((v) => ({
              version: v.version,
              schema: v.schema,
              parsed: this.parsedOf(v.schemaType, v.schema, v.references),
            })),
          );
      if (problem !== undefined)
        throw new SluiceError(
          'REGISTRY_INCOMPATIBLE',
          `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ` +
            `[{errorType:'READER_WRITER_INCOMPATIBILITY', description:'${problem.message}'}, ` +
            `{oldSchemaVersion: ${problem.version}}, {oldSchema: '${problem.schema}'}, ` +
            `{compatibility: '${level}'}]`,
        );
      const contentKey = contentKeyOf(schemaType, canonical, references);
      let id = this.idByContent.get(contentKey) ?? this.maxId + 1;
      let version = Math.max(0, ...existing.map((v) => v.version)) + 1;
      if (importing && request.id !== undefined && request.id >= 0) {
        const holder = this.schemasById.get(request.id);
        if (
          holder !== undefined &&
          contentKeyOf(holder.schemaType, holder.schema, holder.references) !== contentKey
        )
          throw new SluiceError(
            'REGISTRY_ID_DOES_NOT_MATCH',
            `Overwrite new schema with id ${request.id} is not permitted: that id holds another schema.`,
          );
        id = request.id;
      }
      if (importing && request.version !== undefined && request.version > 0) {
        if (existing.some((v) => v.version === request.version))
          throw new SluiceError(
            'REGISTRY_INVALID_VERSION',
            `Version ${request.version} of subject '${subject}' exists already: import into a free version.`,
          );
        version = request.version;
      }
      const stored: SchemaVersion = {
        subject,
        version,
        id,
        schemaType,
        schema: canonical,
        references,
        deleted: false,
      };
      await this.writeSchema(stored);
      return stored;
    });
  }

  /** Soft delete (all live versions leave the subject) or, after that, permanent: the versions are gone. */
  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.serialised(async () => {
      this.checkWritable(subject, this.modeOf(subject));
      const all = this.versions(subject, true);
      const live = all.filter((v) => !v.deleted);
      for (const v of all) this.checkNotReferenced(v);
      if (!permanent) {
        if (live.length === 0)
          throw new SluiceError(
            'REGISTRY_SUBJECT_SOFT_DELETED',
            `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`,
          );
        const highest = all[all.length - 1].version;
        await this.append({ keytype: 'DELETE_SUBJECT', subject, magic: 0 }, { subject, version: highest });
        return live.map((v) => v.version);
      }
      if (live.length > 0)
        throw new SluiceError(
          'REGISTRY_SUBJECT_NOT_SOFT_DELETED',
          `Subject '${subject}' was not deleted first before being permanently deleted`,
        );
      for (const v of [...all].reverse()) await this.append(schemaKey(subject, v.version), null);
      if (this.configs.has(subject)) await this.append(configKey(subject), null);
      if (this.modes.has(subject)) await this.append(modeKey(subject), null);
      return all.map((v) => v.version);
    });
  }

  deleteVersion(subject: string, version: number | 'latest', permanent: boolean): Promise<number> {
    return this.serialised(async () => {
      this.checkWritable(subject, this.modeOf(subject));
      const found = this.version(subject, version, permanent);
      this.checkNotReferenced(found);
      if (!permanent) {
        if (found.deleted)
          throw new SluiceError(
            'REGISTRY_VERSION_SOFT_DELETED',
            `Subject '${subject}' Version ${found.version} was soft deleted.Set permanent=true to delete permanently`,
          );
        await this.writeSchema({ ...found, deleted: true });
        return found.version;
      }
      if (!found.deleted)
        throw new SluiceError(
          'REGISTRY_VERSION_NOT_SOFT_DELETED',
          `Subject '${subject}' Version ${found.version} was not deleted first before being permanently deleted`,
        );
      await this.append(schemaKey(subject, found.version), null);
      return found.version;
    });
  }

  /** Sets the global level (`subject` undefined) or a subject's. */
  setCompatibility(subject: string | undefined, level: CompatibilityLevel): Promise<void> {
    return this.serialised(() =>
      this.append(configKey(subject), {
        ...(subject === undefined ? {} : { subject }),
        compatibilityLevel: level,
      }),
    );
  }

  /** Removes a level; resolves to the one it replaced. */
  deleteCompatibility(subject: string | undefined): Promise<CompatibilityLevel> {
    return this.serialised(async () => {
      const previous = this.configs.get(subject ?? '');
      if (subject !== undefined && previous === undefined) throw subjectNotFound(subject);
      if (previous !== undefined) await this.append(configKey(subject), null);
      return previous ?? DEFAULT_COMPATIBILITY;
    });
  }

  /** Sets the global mode (`subject` undefined) or a subject's; IMPORT globally needs an empty registry or `force`. */
  setMode(subject: string | undefined, mode: Mode, force: boolean): Promise<void> {
    return this.serialised(async () => {
      if (mode === 'IMPORT' && !force) {
        const hasSchemas =
          subject === undefined ? this.subjectNames(true).length > 0 : this.subjects.has(subject);
        if (hasSchemas)
          throw new SluiceError(
            'REGISTRY_OPERATION_NOT_PERMITTED',
            'Cannot import since found existing subjects',
          );
      }
      await this.append(modeKey(subject), { ...(subject === undefined ? {} : { subject }), mode });
    });
  }

  /** Removes a subject's mode; resolves to the one it replaced. */
  deleteMode(subject: string): Promise<Mode> {
    return this.serialised(async () => {
      const previous = this.modes.get(subject);
      if (previous === undefined) throw subjectNotFound(subject);
      await this.append(modeKey(subject), null);
      return previous;
    });
  }

  private modeOf(subject: string): Mode {
    return this.modes.get(subject) ?? this.globalMode();
  }

  private checkWritable(subject: string, mode: Mode): void {
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE')
      throw new SluiceError('REGISTRY_OPERATION_NOT_PERMITTED', `Subject ${subject} is in read-only mode`);
  }

  private checkNotReferenced(v: SchemaVersion): void {
    if (this.referencedBy(v.subject, v.version).length > 0)
      throw new SluiceError(
        'REGISTRY_REFERENCE_EXISTS',
        `One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=${v.subject},version=${v.version}}.`,
      );
  }

  /** Parses a request's schema with its references resolved to their texts (dependencies first). */
  private canonicalise(
    request: RegisterRequest,
    normalize: boolean,
  ): { schemaType: string; canonical: string; references: readonly SchemaReference[]; parsed: ParsedSchema } {
    const schemaType = (request.schemaType ?? 'AVRO').toUpperCase();
    if (typeof request.schema !== 'string')
      throw new SluiceError(
        'REGISTRY_INVALID_SCHEMA',
        'The request has no "schema": give the schema text as a JSON string.',
      );
    if (!isSchemaType(schemaType))
      throw new SluiceError(
        'REGISTRY_INVALID_SCHEMA',
        `Invalid schema type ${schemaType}: use one of ${SCHEMA_TYPES.join(', ')}.`,
      );
    let references = this.checkedReferences(request.references);
    if (normalize)
      references = [...new Map(references.map((r) => [r.name, r])).values()].sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
    try {
      const parsed = parseSchema(schemaType, request.schema, this.resolve(references, []), normalize);
      return { schemaType, canonical: parsed.canonical, references, parsed };
    } catch (err) {
      throw new SluiceError(
        'REGISTRY_INVALID_SCHEMA',
        `Invalid schema ${request.schema}, details: ${(err as Error).message}`,
      );
    }
  }

  private checkedReferences(given: unknown): SchemaReference[] {
    if (given === undefined || given === null) return [];
    if (!Array.isArray(given))
      throw new SluiceError(
        'REGISTRY_INVALID_SCHEMA',
        '"references" must be an array of {name, subject, version}.',
      );
    return given.map((r: Partial<SchemaReference> | null) => {
      if (
        r === null ||
        typeof r.name !== 'string' ||
        typeof r.subject !== 'string' ||
        !Number.isInteger(r.version)
      )
        throw new SluiceError(
          'REGISTRY_INVALID_SCHEMA',
          `Invalid reference ${JSON.stringify(r)}: each reference needs "name", "subject" and an integer "version".`,
        );
      return { name: r.name, subject: r.subject, version: r.version as number };
    });
  }

  /** The referenced versions' texts, each one's own references before it; a missing one is named. */
  private resolve(references: readonly SchemaReference[], seen: readonly string[]): ResolvedReference[] {
    const out: ResolvedReference[] = [];
    for (const ref of references) {
      const key = `${ref.subject}/${ref.version}`;
      if (seen.includes(key)) throw new Error(`the references loop through ${key}`);
      const versions = this.subjects.get(ref.subject);
      const found =
        ref.version === -1
          ? [...(versions?.values() ?? [])].filter((v) => !v.deleted).sort((a, b) => b.version - a.version)[0]
          : versions?.get(ref.version);
      if (found === undefined)
        throw new Error(
          `the reference ${ref.name} names version ${ref.version} of subject ${ref.subject}, which does not exist: register it first`,
        );
      out.push(...this.resolve(found.references, [...seen, key]));
      out.push({ name: ref.name, schemaType: found.schemaType, schema: found.schema });
    }
    return out;
  }

  private parsedOf(schemaType: string, schema: string, references: readonly SchemaReference[]): ParsedSchema {
    const key = contentKeyOf(schemaType, schema, references);
    let parsed = this.parsed.get(key);
    if (parsed === undefined) {
      parsed = parseSchema(
        isSchemaType(schemaType) ? schemaType : 'AVRO',
        schema,
        this.resolve(references, []),
        false,
      );
      this.parsed.set(key, parsed);
    }
    return parsed;
  }

  // ---- the topic ----

  private writeSchema(v: SchemaVersion): Promise<void> {
    return this.append(schemaKey(v.subject, v.version), {
      subject: v.subject,
      version: v.version,
      id: v.id,
      schemaType: v.schemaType,
      ...(v.references.length === 0 ? {} : { references: v.references }),
      schema: v.schema,
      deleted: v.deleted,
    });
  }

  /** Appends one record, then applies it as a replay would: memory never runs ahead of the topic. */
  private async append(key: object, value: object | null): Promise<void> {
    const keyBytes = Buffer.from(JSON.stringify(key));
    const valueBytes = value === null ? null : Buffer.from(JSON.stringify(value));
    const [position] = await this.log.append(SCHEMAS_TOPIC, [
      { key: keyBytes, value: valueBytes, partition: 0 },
    ]);
    this.apply({
      offset: position.offset,
      timestamp: position.timestamp,
      key: keyBytes,
      value: valueBytes,
      headers: [],
    });
  }

  private apply(record: LogRecord): void {
    if (record.key === null) return;
    let key: { keytype?: string; subject?: string; version?: number };
    let value: Record<string, unknown> | null;
    try {
      key = JSON.parse(record.key.toString('utf8'));
      value = record.value === null ? null : JSON.parse(record.value.toString('utf8'));
    } catch {
      // A record another writer left that is not JSON (Confluent writes none): not ours to read.
      return;
    }
    switch (key.keytype) {
      case 'SCHEMA':
        this.applySchema(String(key.subject), Number(key.version), value);
        break;
      case 'CONFIG': {
        const subject = key.subject ?? '';
        const level = value?.compatibilityLevel;
        if (typeof level === 'string') this.configs.set(subject, level as CompatibilityLevel);
        else this.configs.delete(subject);
        break;
      }
      case 'MODE': {
        const subject = key.subject ?? '';
        const mode = value?.mode;
        if (typeof mode === 'string') this.modes.set(subject, mode as Mode);
        else this.modes.delete(subject);
        break;
      }
      case 'DELETE_SUBJECT': {
        const upTo = Number(value?.version);
        for (const v of this.subjects.get(String(key.subject))?.values() ?? [])
          if (v.version <= upTo && !v.deleted)
            this.subjects.get(v.subject)?.set(v.version, { ...v, deleted: true });
        break;
      }
      // CLEAR_SUBJECT, NOOP, CONTEXT, ASSOC: nothing this registry keeps.
    }
  }

  private applySchema(subject: string, version: number, value: Record<string, unknown> | null): void {
    const versions = this.subjects.get(subject) ?? new Map<number, SchemaVersion>();
    if (value === null) {
      versions.delete(version);
      if (versions.size === 0) this.subjects.delete(subject);
      return;
    }
    const stored: SchemaVersion = {
      subject,
      version,
      id: Number(value.id),
      schemaType: typeof value.schemaType === 'string' ? value.schemaType : 'AVRO',
      schema: String(value.schema),
      references: Array.isArray(value.references) ? (value.references as SchemaReference[]) : [],
      deleted: value.deleted === true,
    };
    versions.set(version, stored);
    this.subjects.set(subject, versions);
    const content = { schemaType: stored.schemaType, schema: stored.schema, references: stored.references };
    this.schemasById.set(stored.id, content);
    this.idByContent.set(contentKeyOf(stored.schemaType, stored.schema, stored.references), stored.id);
    this.maxId = Math.max(this.maxId, stored.id);
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.writes.then(work, work);
    this.writes = result.catch(() => {});
    return result;
  }
}

function sameReferences(a: readonly SchemaReference[], b: readonly SchemaReference[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function contentKeyOf(schemaType: string, schema: string, references: readonly SchemaReference[]): string {
  return `${schemaType}\u0000${schema}\u0000${JSON.stringify(references)}`;
}

function schemaKey(subject: string, version: number): object {
  return { keytype: 'SCHEMA', subject, version, magic: 1 };
}

function modeKey(subject: string | undefined): object {
  return subject === undefined ? { keytype: 'MODE', magic: 0 } : { keytype: 'MODE', subject, magic: 0 };
}

function configKey(subject: string | undefined): object {
  return subject === undefined ? { keytype: 'CONFIG', magic: 0 } : { keytype: 'CONFIG', subject, magic: 0 };
}

function subjectNotFound(subject: string): SluiceError {
  return new SluiceError('REGISTRY_SUBJECT_NOT_FOUND', `Subject '${subject}' not found.`);
}
