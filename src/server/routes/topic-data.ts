import type { FastifyInstance } from 'fastify';
import { type InternalTopics, type Log, type LogRecord, TOPIC_CONFIG_DEFAULTS } from '../../log/index.js';
import { arrayField, objectBody, optionalString, stringField, wholeNumberField } from './body-fields.js';
import { checkClusterId, configMap, sendError } from './rest-proxy.js';
import { badRestProxyRequest } from './rest-proxy-error.js';

/*
 * Sluice's additions beside REST Proxy v3, under the same paths and conventions: partitions with
 * their offsets, reading records (a long poll), consumer-group offsets and topic config changes.
 * They are what `sluice topic … --server URL` uses; bytes travel as base64.
 */

/** Longest a read may wait for new records, so proxies and clients do not time out first. */
const MAX_WAIT_MS = 30_000;

function bytes(b: Uint8Array | null): string | null {
  return b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

function recordJson(r: LogRecord) {
  return {
    offset: r.offset,
    timestamp: r.timestamp,
    key: bytes(r.key),
    value: bytes(r.value),
    headers: r.headers.map((h) => ({ name: h.key, value: bytes(h.value) })),
  };
}

function wholeNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw badRestProxyRequest(`Query parameter ${name} must be a whole number ≥ 0, got '${value}'.`);
  }
  return n;
}

export function registerTopicDataRoutes(app: FastifyInstance, log: Log, internal: InternalTopics): void {
  const base = '/v3/clusters/:cluster';

  app.get<{ Params: { cluster: string; topic: string } }>(
    `${base}/topics/:topic/partitions`,
    async (req, reply) => {
      try {
        checkClusterId(log, req.params.cluster);
        const d = await log.describeTopic(req.params.topic);
        return {
          kind: 'KafkaPartitionList',
          metadata: { next: null },
          data: d.partitions.map((p) => ({
            kind: 'KafkaPartition',
            cluster_id: log.clusterId,
            topic_name: d.name,
            partition_id: p.partition,
            beginning_offset: p.beginningOffset,
            end_offset: p.endOffset,
            size_bytes: p.sizeBytes,
            segments: p.segments,
          })),
        };
      } catch (err) {
        return sendError(reply, err);
      }
    },
  );

  app.get<{
    Params: { cluster: string; topic: string; partition: string };
    Querystring: { offset?: string; max_records?: string; max_bytes?: string; timeout_ms?: string };
  }>(`${base}/topics/:topic/partitions/:partition/records`, async (req, reply) => {
    try {
      checkClusterId(log, req.params.cluster);
      const { topic } = req.params;
      const partition = wholeNumber(req.params.partition, 'partition', 0);
      const offset = wholeNumber(req.query.offset, 'offset', await log.beginningOffset(topic, partition));
      const timeoutMs = Math.min(wholeNumber(req.query.timeout_ms, 'timeout_ms', 0), MAX_WAIT_MS);
      if (timeoutMs > 0 && (await log.endOffset(topic, partition)) <= offset) {
        // Stop waiting when the client goes away.
        const gone = new AbortController();
        req.raw.once('close', () => gone.abort());
        await log.waitForData(topic, partition, offset, timeoutMs, gone.signal);
      }
      const result = await log.read(topic, partition, offset, {
        maxRecords: wholeNumber(req.query.max_records, 'max_records', 10_000),
        maxBytes: wholeNumber(req.query.max_bytes, 'max_bytes', 1024 * 1024),
      });
      return {
        records: result.records.map(recordJson),
        next_offset: result.nextOffset,
        beginning_offset: await log.beginningOffset(topic, partition),
        end_offset: await log.endOffset(topic, partition),
      };
    } catch (err) {
      return sendError(reply, err);
    }
  });

  app.get<{ Params: { cluster: string; topic: string } }>(
    `${base}/topics/:topic/configs`,
    async (req, reply) => {
      try {
        checkClusterId(log, req.params.cluster);
        const d = await log.describeTopic(req.params.topic);
        return {
          kind: 'KafkaTopicConfigList',
          metadata: { next: null },
          data: Object.entries(d.config).map(([name, value]) => ({
            kind: 'KafkaTopicConfig',
            cluster_id: log.clusterId,
            topic_name: d.name,
            name,
            value,
            is_default: TOPIC_CONFIG_DEFAULTS[name] === value,
            is_read_only: false,
            is_sensitive: false,
          })),
        };
      } catch (err) {
        return sendError(reply, err);
      }
    },
  );

  app.post<{
    Params: { cluster: string; topic: string };
  }>(`${base}/topics/:topic/configs::alter`, async (req, reply) => {
    try {
      checkClusterId(log, req.params.cluster);
      internal.check(req.params.topic, 'change the configs of');
      const config = configMap(objectBody(req.body, '{"data": [{"name": "…", "value": "…"}]}').data, 'data');
      await log.alterTopicConfig(req.params.topic, config);
      return reply.code(204).send();
    } catch (err) {
      return sendError(reply, err);
    }
  });

  app.get<{ Params: { cluster: string } }>(`${base}/consumer-groups`, async (req, reply) => {
    try {
      checkClusterId(log, req.params.cluster);
      const groups = await log.listGroups();
      return {
        kind: 'KafkaConsumerGroupList',
        metadata: { next: null },
        data: groups.map((g) => ({
          kind: 'KafkaConsumerGroup',
          cluster_id: log.clusterId,
          consumer_group_id: g,
        })),
      };
    } catch (err) {
      return sendError(reply, err);
    }
  });

  app.get<{ Params: { cluster: string; group: string }; Querystring: { topic?: string } }>(
    `${base}/consumer-groups/:group/offsets`,
    async (req, reply) => {
      try {
        checkClusterId(log, req.params.cluster);
        const offsets = await log.committedOffsets(req.params.group, req.query.topic);
        return {
          data: offsets.map((o) => ({
            topic_name: o.topic,
            partition_id: o.partition,
            offset: o.offset,
            metadata: o.metadata ?? '',
          })),
        };
      } catch (err) {
        return sendError(reply, err);
      }
    },
  );

  app.post<{
    Params: { cluster: string; group: string };
  }>(`${base}/consumer-groups/:group/offsets`, async (req, reply) => {
    try {
      checkClusterId(log, req.params.cluster);
      const entries = arrayField(
        objectBody(req.body, '{"data": [{"topic_name", "partition_id", "offset"}]}').data,
        'data',
      );
      await log.commitOffsets(
        req.params.group,
        entries.map((entry, i) => {
          const o = objectBody(entry, '{"topic_name": "…", "partition_id": 0, "offset": 0}');
          return {
            topic: stringField(o.topic_name, `data[${i}].topic_name`),
            partition: wholeNumberField(o.partition_id, `data[${i}].partition_id`),
            offset: wholeNumberField(o.offset, `data[${i}].offset`),
            metadata: optionalString(o.metadata, `data[${i}].metadata`) ?? '',
          };
        }),
      );
      return reply.code(204).send();
    } catch (err) {
      return sendError(reply, err);
    }
  });
}
