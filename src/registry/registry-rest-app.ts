import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { SluiceError } from '../errors/index.js';
import { type CompatibilityLevel, isCompatibilityLevel } from './compatibility.js';
import { SCHEMA_TYPES } from './schema-kinds.js';
import {
  MODES,
  type Mode,
  type RegisterRequest,
  type SchemaStore,
  type SchemaVersion,
} from './schema-store.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

type Query = Record<string, string | undefined>;
type Params = Record<string, string>;

/**
 * Confluent Schema Registry's REST API over a SchemaStore: the paths, bodies and error codes its
 * clients (Java serializers, confluent-kafka, @kafkajs/confluent-schema-registry) call.
 */
export function buildRegistryApp(store: SchemaStore): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
  // Clients send application/vnd.schemaregistry.v1+json, …+json, application/json or
  // application/octet-stream (curl -d a form type): every body is JSON text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(
        new SluiceError('REGISTRY_STORE_ERROR', `The request body is not JSON: ${(err as Error).message}`, {
          errorCode: 50005,
        }),
        undefined,
      );
    }
  });
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof SluiceError)
      return send(reply.code(err.httpStatus), { error_code: err.errorCode, message: err.message });
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    return send(reply.code(status), { error_code: status, message: (err as Error).message });
  });
  app.setNotFoundHandler((req, reply) =>
    send(reply.code(404), { error_code: 404, message: `HTTP 404 Not Found: ${req.method} ${req.url}` }),
  );

  app.get('/', (_req, reply) => send(reply, {}));
  app.get('/schemas/types', (_req, reply) => send(reply, SCHEMA_TYPES));
  app.get('/contexts', (_req, reply) => send(reply, ['.']));

  app.get('/schemas/ids/:id', (req, reply) => {
    const found = store.schemaById(schemaId((req.params as Params).id));
    return send(reply, schemaBody(found, serializedFormat(store, req.query as Query)));
  });
  app.get('/schemas/ids/:id/schema', (req, reply) =>
    reply.type(CONTENT_TYPE).send(store.schemaById(schemaId((req.params as Params).id)).schema),
  );

  app.get('/subjects', (req, reply) => {
    const query = req.query as Query;
    const prefix = query.subjectPrefix ?? '';
    return send(
      reply,
      store.subjectNames(flag(query.deleted)).filter((s) => s.startsWith(prefix)),
    );
  });

  app.get('/subjects/:subject/versions', (req, reply) => {
    const versions = store.versions((req.params as Params).subject, flag((req.query as Query).deleted));
    return send(
      reply,
      versions.map((v) => v.version),
    );
  });

  app.get('/subjects/:subject/versions/:version', (req, reply) => {
    const params = req.params as Params;
    const found = store.version(
      params.subject,
      versionId(params.version),
      flag((req.query as Query).deleted),
    );
    return send(reply, versionBody(found, serializedFormat(store, req.query as Query)));
  });
  app.get('/subjects/:subject/versions/:version/referencedby', (req, reply) => {
    const params = req.params as Params;
    const found = store.version(params.subject, versionId(params.version), true);
    return send(reply, store.referencedBy(found.subject, found.version));
  });
  app.get('/subjects/:subject/versions/:version/schema', (req, reply) => {
    const params = req.params as Params;
    const found = store.version(
      params.subject,
      versionId(params.version),
      flag((req.query as Query).deleted),
    );
    return reply.type(CONTENT_TYPE).send(found.schema);
  });

  app.post('/subjects/:subject/versions', async (req, reply) => {
    const stored = await store.register(
      (req.params as Params).subject,
      registerRequest(req.body),
      flag((req.query as Query).normalize),
    );
    return send(reply, { id: stored.id, version: stored.version });
  });

  app.post('/subjects/:subject', (req, reply) => {
    const found = store.lookup(
      (req.params as Params).subject,
      registerRequest(req.body),
      flag((req.query as Query).deleted),
      flag((req.query as Query).normalize),
    );
    return send(reply, versionBody(found));
  });

  app.delete('/subjects/:subject', async (req, reply) =>
    send(
      reply,
      await store.deleteSubject((req.params as Params).subject, flag((req.query as Query).permanent)),
    ),
  );
  app.delete('/subjects/:subject/versions/:version', async (req, reply) => {
    const params = req.params as Params;
    return send(
      reply,
      await store.deleteVersion(
        params.subject,
        versionId(params.version),
        flag((req.query as Query).permanent),
      ),
    );
  });

  app.get('/config', (_req, reply) => send(reply, { compatibilityLevel: store.globalCompatibility() }));
  app.put('/config', async (req, reply) => {
    const level = compatibilityOf(req.body);
    await store.setCompatibility(undefined, level);
    return send(reply, { compatibility: level });
  });
  app.delete('/config', async (_req, reply) =>
    send(reply, { compatibilityLevel: await store.deleteCompatibility(undefined) }),
  );
  app.get('/config/:subject', (req, reply) => {
    const subject = (req.params as Params).subject;
    const own = store.subjectCompatibility(subject);
    if (own !== undefined) return send(reply, { compatibilityLevel: own });
    if (flag((req.query as Query).defaultToGlobal))
      return send(reply, { compatibilityLevel: store.globalCompatibility() });
    throw new SluiceError(
      'REGISTRY_NO_SUBJECT_CONFIG',
      `Subject '${subject}' does not have subject-level compatibility configured`,
    );
  });
  app.put('/config/:subject', async (req, reply) => {
    const level = compatibilityOf(req.body);
    await store.setCompatibility((req.params as Params).subject, level);
    return send(reply, { compatibility: level });
  });
  app.delete('/config/:subject', async (req, reply) =>
    send(reply, { compatibilityLevel: await store.deleteCompatibility((req.params as Params).subject) }),
  );
  const compatibility = (
    subject: string,
    version: number | 'latest' | 'all',
    req: { body: unknown; query: unknown },
  ) => {
    const query = req.query as Query;
    const verbose = flag(query.verbose);
    let messages: string[];
    try {
      messages = store.compatibility(subject, registerRequest(req.body), version, flag(query.normalize));
    } catch (err) {
      // verbose turns an invalid schema into a message, as Confluent does.
      if (!verbose || !(err instanceof SluiceError) || err.errorCode !== 42201) throw err;
      messages = [err.message];
    }
    return { is_compatible: messages.length === 0, ...(verbose ? { messages } : {}) };
  };
  app.post('/compatibility/subjects/:subject/versions/:version', (req, reply) => {
    const params = req.params as Params;
    return send(reply, compatibility(params.subject, versionId(params.version), req));
  });
  app.post('/compatibility/subjects/:subject/versions', (req, reply) =>
    send(reply, compatibility((req.params as Params).subject, 'all', req)),
  );
  app.get('/schemas/ids/:id/subjects', (req, reply) => {
    const id = schemaId((req.params as Params).id);
    store.schemaById(id);
    return send(reply, [
      ...new Set(store.versionsWithId(id, flag((req.query as Query).deleted)).map((v) => v.subject)),
    ]);
  });
  app.get('/schemas/ids/:id/versions', (req, reply) => {
    const id = schemaId((req.params as Params).id);
    store.schemaById(id);
    return send(
      reply,
      store
        .versionsWithId(id, flag((req.query as Query).deleted))
        .map((v) => ({ subject: v.subject, version: v.version })),
    );
  });
  app.get('/mode', (_req, reply) => send(reply, { mode: store.globalMode() }));
  app.put('/mode', async (req, reply) => {
    const mode = modeOf(req.body);
    await store.setMode(undefined, mode, flag((req.query as Query).force));
    return send(reply, { mode });
  });
  app.get('/mode/:subject', (req, reply) => {
    const subject = (req.params as Params).subject;
    const own = store.subjectMode(subject);
    if (own !== undefined) return send(reply, { mode: own });
    if (flag((req.query as Query).defaultToGlobal)) return send(reply, { mode: store.globalMode() });
    throw new SluiceError(
      'REGISTRY_NO_SUBJECT_MODE',
      `Subject '${subject}' does not have subject-level mode configured`,
    );
  });
  app.put('/mode/:subject', async (req, reply) => {
    const mode = modeOf(req.body);
    await store.setMode((req.params as Params).subject, mode, flag((req.query as Query).force));
    return send(reply, { mode });
  });
  app.delete('/mode/:subject', async (req, reply) =>
    send(reply, { mode: await store.deleteMode((req.params as Params).subject) }),
  );
  // 2025+ Java serializers ask for associations first; none here means TopicNameStrategy.
  app.get('/associations/*', (_req, reply) =>
    send(reply.code(404), {
      error_code: 404,
      message: 'No associations: Sluice uses subject name strategies.',
    }),
  );
  return app;
}

function send(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.type(CONTENT_TYPE).send(JSON.stringify(body));
}

function flag(value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() === 'true';
}

type StoredSchema = { schemaType: string; schema: string; references: SchemaVersion['references'] };

/** `?format=serialized`: the schema as its serialized form (PROTOBUF: base64 FileDescriptorProto). */
function serializedFormat(store: SchemaStore, query: Query): ((found: StoredSchema) => string) | undefined {
  if (query.format === undefined || query.format === '' || query.format === 'default') return undefined;
  if (query.format !== 'serialized')
    throw new SluiceError(
      'REGISTRY_INVALID_SCHEMA',
      `Invalid format ${query.format}: Sluice's registry answers format=serialized (PROTOBUF descriptors) or the default.`,
    );
  return (found) => store.serialized(found);
}

function schemaBody(found: StoredSchema, format?: (found: StoredSchema) => string): object {
  return {
    schema: format === undefined ? found.schema : format(found),
    schemaType: found.schemaType,
    ...(found.references.length === 0 ? {} : { references: found.references }),
  };
}

function versionBody(v: SchemaVersion, format?: (found: StoredSchema) => string): object {
  return { subject: v.subject, version: v.version, id: v.id, ...schemaBody(v, format) };
}

function modeOf(body: unknown): Mode {
  const given = (body as { mode?: unknown } | undefined)?.mode;
  const mode = typeof given === 'string' ? given.toUpperCase() : '';
  if (!(MODES as readonly string[]).includes(mode))
    throw new SluiceError(
      'REGISTRY_INVALID_MODE',
      'Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT',
    );
  return mode as Mode;
}

/** 1..2^31-1, `latest` in any case, or -1 (= latest); anything else is 42202. */
function versionId(text: string): number | 'latest' {
  if (text.toLowerCase() === 'latest' || text === '-1') return 'latest';
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 31 - 1)
    throw new SluiceError(
      'REGISTRY_INVALID_VERSION',
      `The specified version '${text}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    );
  return n;
}

function schemaId(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw new SluiceError('REGISTRY_SCHEMA_NOT_FOUND', `Schema ${text} not found`);
  return n;
}

function registerRequest(body: unknown): RegisterRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new SluiceError(
      'REGISTRY_INVALID_SCHEMA',
      'The request body must be a JSON object with "schema" (the schema text as a string) and optionally "schemaType".',
    );
  return body as RegisterRequest;
}

function compatibilityOf(body: unknown): CompatibilityLevel {
  const given = (body as { compatibility?: unknown } | undefined)?.compatibility;
  const level = typeof given === 'string' ? given.toUpperCase() : '';
  if (!isCompatibilityLevel(level))
    throw new SluiceError(
      'REGISTRY_INVALID_COMPATIBILITY',
      'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
    );
  return level;
}
