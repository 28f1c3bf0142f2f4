import type { FastifyInstance, FastifyReply } from 'fastify';
import { SluiceError } from '../../errors/index.js';
import type { InternalTopics, Log, ProduceRecord, RecordHeader, TopicDescription } from '../../log/index.js';
import {
  base64Field,
  nameValueList,
  objectBody,
  optionalString,
  optionalWholeNumber,
  stringField,
} from './body-fields.js';
import { badRestProxyRequest, restProxyErrorBody } from './rest-proxy-error.js';

/*
 * The part of Confluent REST Proxy's v3 API that lets HTTP clients and webhooks manage and write
 * topics: clusters, topics (list, create, get, delete) and produce
 * (POST /v3/clusters/{cluster_id}/topics/{topic}/records), one record per JSON object; several
 * objects in one body are produced in order with one result line each (REST Proxy's streaming mode).
 */

type DataType = 'JSON' | 'STRING' | 'BINARY';

/** Fields as sent: every one is checked for its JSON type before use. */
interface ProduceData {
  readonly type?: unknown;
  readonly data?: unknown;
}

interface ProduceRequestBody {
  readonly partition_id?: unknown;
  readonly headers?: unknown;
  readonly key?: unknown;
  readonly value?: unknown;
  readonly timestamp?: unknown;
}

/**
 * A failed REST Proxy request in REST Proxy's body. A log error's catalogue entry holds REST
 * Proxy's number for it (40403 unknown topic, 40301 internal topic, 40002 a bad name or record).
 */
export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const e =
    err instanceof SluiceError
      ? err
      : new SluiceError('REST_PROXY_SERVER_ERROR', String((err as Error)?.message ?? err), { cause: err });
  return reply.code(e.httpStatus).send(restProxyErrorBody(e));
}

/** Turns `{type, data}` into bytes; JSON is the default type, as in REST Proxy. */
function toBytes(part: unknown, what: string): { bytes: Buffer | null; type: DataType } {
  if (part === undefined || part === null) return { bytes: null, type: 'BINARY' };
  const { type: declared, data } = objectBody(part, `${what} as {"type": "JSON", "data": …}`) as ProduceData;
  const type = (optionalString(declared, `${what}.type`) ?? 'JSON').toUpperCase();
  if (type !== 'JSON' && type !== 'STRING' && type !== 'BINARY') {
    throw badRestProxyRequest(
      `${what}.type ${type} is not supported: use JSON, STRING or BINARY (schema-registry types come with Schema Registry support).`,
    );
  }
  if (type === 'JSON') return { bytes: data === undefined ? null : Buffer.from(JSON.stringify(data)), type };
  if (data === null || data === undefined) return { bytes: null, type };
  const text = stringField(data, `${what}.data (type ${type})`);
  return { bytes: type === 'STRING' ? Buffer.from(text, 'utf8') : base64Field(text, `${what}.data`), type };
}

function toRecord(raw: unknown): {
  record: ProduceRecord;
  keyType: DataType;
  valueType: DataType;
} {
  const body = objectBody(raw, '{"key":…,"value":…}') as ProduceRequestBody;
  const key = toBytes(body.key, 'key');
  const value = toBytes(body.value, 'value');
  let timestamp: number | undefined;
  const stamp = optionalString(body.timestamp, 'timestamp');
  if (stamp !== undefined) {
    timestamp = Date.parse(stamp);
    if (Number.isNaN(timestamp)) {
      throw badRestProxyRequest(`timestamp '${stamp}' is not an ISO-8601 date-time.`);
    }
  }
  const headers: RecordHeader[] = nameValueList(body.headers, 'headers').map((h, i) => ({
    key: h.name,
    value: h.value === null ? null : base64Field(h.value, `headers[${i}].value`),
  }));
  const partition = optionalWholeNumber(body.partition_id, 'partition_id');
  const record: ProduceRecord = {
    key: key.bytes,
    value: value.bytes,
    headers,
    ...(timestamp === undefined ? {} : { timestamp }),
    ...(partition === undefined ? {} : { partition }),
  };
  return { record, keyType: key.type, valueType: value.type };
}

/** Splits a body of concatenated JSON objects (REST Proxy's streaming produce) into objects. */
export function splitJsonObjects(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}') {
      if (--depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    } else if (depth === 0 && !/\s/.test(c)) {
      throw badRestProxyRequest(`Unexpected '${c}' at position ${i}: send JSON objects.`);
    }
  }
  if (depth !== 0) throw badRestProxyRequest('The request body ends inside a JSON object.');
  return out;
}

/** A configs list (`[{"name","value"}]`) as a map; a config without a value is refused. */
export function configMap(value: unknown, field: string): Record<string, string> {
  const config: Record<string, string> = {};
  nameValueList(value, field).forEach((c, i) => {
    if (c.value === null) throw badRestProxyRequest(`${field}[${i}] (${c.name}) needs a value.`);
    config[c.name] = c.value;
  });
  return config;
}

export function checkClusterId(log: Log, id: string): void {
  if (id !== log.clusterId) throw new SluiceError('CLUSTER_NOT_FOUND', `Cluster ${id} cannot be found.`);
}

export function registerRestProxyRoutes(app: FastifyInstance, log: Log, internal: InternalTopics): void {
  const base = '/v3/clusters';
  const clusterUrl = (host: string) => `http://${host}${base}/${log.clusterId}`;
  const checkCluster = (id: string) => checkClusterId(log, id);
  const topicEntity = (host: string, d: TopicDescription) => ({
    kind: 'KafkaTopic',
    metadata: {
      self: `${clusterUrl(host)}/topics/${d.name}`,
      resource_name: `crn:///kafka=${log.clusterId}/topic=${d.name}`,
    },
    cluster_id: log.clusterId,
    topic_name: d.name,
    is_internal: d.name.startsWith('__'),
    replication_factor: 1,
    partitions_count: d.partitions.length,
    partitions: { related: `${clusterUrl(host)}/topics/${d.name}/partitions` },
    configs: { related: `${clusterUrl(host)}/topics/${d.name}/configs` },
    partition_reassignments: { related: `${clusterUrl(host)}/topics/${d.name}/partitions/-/reassignment` },
  });

  app.get(base, async (req) => ({
    kind: 'KafkaClusterList',
    metadata: { self: `http://${req.headers.host}${base}`, next: null },
    data: [
      {
        kind: 'KafkaCluster',
        metadata: {
          self: clusterUrl(req.headers.host ?? ''),
          resource_name: `crn:///kafka=${log.clusterId}`,
        },
        cluster_id: log.clusterId,
        topics: { related: `${clusterUrl(req.headers.host ?? '')}/topics` },
      },
    ],
  }));

  app.get<{ Params: { cluster: string } }>(`${base}/:cluster/topics`, async (req, reply) => {
    try {
      checkCluster(req.params.cluster);
      const host = req.headers.host ?? '';
      const names = await log.listTopics();
      const data = [];
      for (const name of names) data.push(topicEntity(host, await log.describeTopic(name)));
      return { kind: 'KafkaTopicList', metadata: { self: `${clusterUrl(host)}/topics`, next: null }, data };
    } catch (err) {
      return sendError(reply, err);
    }
  });

  app.post<{
    Params: { cluster: string };
  }>(`${base}/:cluster/topics`, async (req, reply) => {
    try {
      checkCluster(req.params.cluster);
      const body = objectBody(req.body, '{"topic_name": "…", "partitions_count": 1}');
      if (body.topic_name === undefined) throw badRestProxyRequest('topic_name is required.');
      const name = stringField(body.topic_name, 'topic_name');
      const partitions = optionalWholeNumber(body.partitions_count, 'partitions_count', 1) ?? 1;
      const config = configMap(body.configs, 'configs');
      const d = await log.createTopic(name, { partitions, config });
      return reply.code(201).send(topicEntity(req.headers.host ?? '', d));
    } catch (err) {
      return sendError(reply, err);
    }
  });

  app.get<{ Params: { cluster: string; topic: string } }>(
    `${base}/:cluster/topics/:topic`,
    async (req, reply) => {
      try {
        checkCluster(req.params.cluster);
        return topicEntity(req.headers.host ?? '', await log.describeTopic(req.params.topic));
      } catch (err) {
        return sendError(reply, err);
      }
    },
  );

  app.delete<{ Params: { cluster: string; topic: string } }>(
    `${base}/:cluster/topics/:topic`,
    async (req, reply) => {
      try {
        checkCluster(req.params.cluster);
        internal.check(req.params.topic, 'delete');
        await log.deleteTopic(req.params.topic);
        return reply.code(204).send();
      } catch (err) {
        return sendError(reply, err);
      }
    },
  );

  app.post<{ Params: { cluster: string; topic: string } }>(
    `${base}/:cluster/topics/:topic/records`,
    async (req, reply) => {
      try {
        checkCluster(req.params.cluster);
        internal.check(req.params.topic, 'write to');
        const raw = req.body as string;
        const bodies = splitJsonObjects(typeof raw === 'string' ? raw : JSON.stringify(raw));
        if (bodies.length === 0) throw badRestProxyRequest('The request body holds no record.');
        // One append for every valid object, so a streamed body is written as one batch; a bad
        // object gets its own error line and does not stop the others.
        const results: Record<string, unknown>[] = [];
        const valid: { index: number; converted: ReturnType<typeof toRecord> }[] = [];
        for (const body of bodies) {
          try {
            valid.push({ index: results.length, converted: toRecord(body) });
            results.push({});
          } catch (err) {
            if (bodies.length === 1) throw err;
            results.push(
              err instanceof SluiceError
                ? { ...restProxyErrorBody(err) }
                : { error_code: 500, message: (err as Error).message },
            );
          }
        }
        const positions = await log.append(
          req.params.topic,
          valid.map((v) => v.converted.record),
        );
        valid.forEach(({ index, converted: { record, keyType, valueType } }, i) => {
          const pos = positions[i];
          results[index] = {
            error_code: 200,
            cluster_id: log.clusterId,
            topic_name: req.params.topic,
            partition_id: pos.partition,
            offset: pos.offset,
            timestamp: new Date(pos.timestamp).toISOString(),
            ...(record.key == null ? {} : { key: { type: keyType, size: record.key.length } }),
            ...(record.value == null ? {} : { value: { type: valueType, size: record.value.length } }),
          };
        });
        if (bodies.length === 1) return results[0];
        reply.type('application/json');
        return results.map((r) => JSON.stringify(r)).join('\n') + '\n';
      } catch (err) {
        return sendError(reply, err);
      }
    },
  );
}
