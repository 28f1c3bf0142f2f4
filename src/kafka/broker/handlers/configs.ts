import { resolveTopicConfig, TOPIC_CONFIG_DEFAULTS } from '../../../log/index.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Struct } from '../../protocol/schema.js';
import type { RequestContext } from '../context.js';
import { kafkaErrorOf } from '../log-errors.js';

/** ConfigResource types (clients/.../common/config/ConfigResource.java). */
const TOPIC = 2;
const BROKER = 4;
/** DescribeConfigsResponse.ConfigSource. */
const TOPIC_CONFIG = 1;
const DEFAULT_CONFIG = 5;
/** DescribeConfigsResponse.ConfigType. */
const STRING = 2;
const LONG = 5;
const LIST = 7;

/** AlterConfigOp.OpType. */
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

function configType(name: string): number {
  if (name === 'cleanup.policy') return LIST;
  return /\.(ms|bytes)$/.test(name) ? LONG : STRING;
}

function isDefault(name: string, value: string): boolean {
  return TOPIC_CONFIG_DEFAULTS[name] === value;
}

/**
 * DescribeConfigs: a topic's configs with source 1 (set on the topic) or 5 (Kafka's default), so
 * tools that hide defaults show what was set; a broker has no configs to show.
 */
export async function handleDescribeConfigs(request: Struct, ctx: RequestContext): Promise<Struct> {
  const resources = request.resources as {
    resourceType: number;
    resourceName: string;
    configurationKeys: string[] | null;
  }[];
  const results: Struct[] = [];
  for (const r of resources) {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    if (r.resourceType === BROKER) {
      results.push({ ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs: [] });
      continue;
    }
    if (r.resourceType !== TOPIC) {
      results.push({
        ...base,
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `resource type ${r.resourceType} is not described here: only topics (2) and brokers (4)`,
        configs: [],
      });
      continue;
    }
    try {
      const { config } = await ctx.broker.log.describeTopic(r.resourceName);
      const keys =
        r.configurationKeys === null
          ? Object.keys(config).sort()
          : r.configurationKeys.filter((k) => k in config);
      results.push({
        ...base,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        configs: keys.map((name) => {
          const source = isDefault(name, config[name]) ? DEFAULT_CONFIG : TOPIC_CONFIG;
          return {
            name,
            value: config[name],
            readOnly: false,
            isDefault: source === DEFAULT_CONFIG,
            configSource: source,
            isSensitive: false,
            synonyms: request.includeSynonyms ? [{ name, value: config[name], source }] : [],
            configType: configType(name),
            documentation: null,
          };
        }),
      });
    } catch (err) {
      const e = kafkaErrorOf(err);
      results.push({ ...base, errorCode: e.code, errorMessage: e.message, configs: [] });
    }
  }
  return { throttleTimeMs: 0, results };
}

interface Change {
  readonly name: string;
  readonly configOperation: number;
  readonly value: string | null;
}

/** AlterConfigs (whole config replaced) and IncrementalAlterConfigs (set, delete, append, subtract) on topics. */
export async function handleAlterConfigs(request: Struct, ctx: RequestContext): Promise<Struct> {
  return alterConfigs(request, ctx, false);
}

export async function handleIncrementalAlterConfigs(request: Struct, ctx: RequestContext): Promise<Struct> {
  return alterConfigs(request, ctx, true);
}

async function alterConfigs(request: Struct, ctx: RequestContext, incremental: boolean): Promise<Struct> {
  const resources = request.resources as { resourceType: number; resourceName: string; configs: Change[] }[];
  const validateOnly = request.validateOnly as boolean;
  const responses: Struct[] = [];
  for (const r of resources) {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    if (r.resourceType !== TOPIC) {
      responses.push({
        ...base,
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `only topic configs can be changed here (resource type 2), not resource type ${r.resourceType}`,
      });
      continue;
    }
    try {
      ctx.broker.internalTopics.check(r.resourceName, 'change the configs of');
      const { config } = await ctx.broker.log.describeTopic(r.resourceName);
      const next: Record<string, string> = {};
      if (!incremental) {
        // The request is the whole config: what it leaves out goes back to the default.
        for (const name of Object.keys(config)) {
          if (name in TOPIC_CONFIG_DEFAULTS && !isDefault(name, config[name]))
            next[name] = TOPIC_CONFIG_DEFAULTS[name];
        }
        for (const c of r.configs) if (c.value !== null) next[c.name] = c.value;
      } else {
        for (const c of r.configs) {
          const current = (next[c.name] ?? config[c.name] ?? '').split(',').filter((v) => v !== '');
          const given = (c.value ?? '').split(',').filter((v) => v !== '');
          switch (c.configOperation) {
            case SET:
              next[c.name] = c.value ?? '';
              break;
            case DELETE:
              next[c.name] = TOPIC_CONFIG_DEFAULTS[c.name] ?? '';
              break;
            case APPEND:
              next[c.name] = [...current, ...given.filter((v) => !current.includes(v))].join(',');
              break;
            case SUBTRACT:
              next[c.name] = current.filter((v) => !given.includes(v)).join(',');
              break;
            default:
              throw new AlterError(
                `config operation ${c.configOperation} on ${c.name}: use 0 set, 1 delete, 2 append or 3 subtract`,
              );
          }
        }
      }
      if (validateOnly) resolveTopicConfig(r.resourceName, { ...config, ...next });
      else await ctx.broker.log.alterTopicConfig(r.resourceName, next);
      responses.push({ ...base, errorCode: ErrorCode.NONE, errorMessage: null });
    } catch (err) {
      if (err instanceof AlterError) {
        responses.push({ ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: err.message });
        continue;
      }
      const e = kafkaErrorOf(err);
      responses.push({ ...base, errorCode: e.code, errorMessage: e.message });
    }
  }
  return { throttleTimeMs: 0, responses };
}

class AlterError extends Error {}

/** DescribeCluster: the log's cluster id, and this node as the only broker and the controller. */
export async function handleDescribeCluster(_request: Struct, ctx: RequestContext): Promise<Struct> {
  const { nodeId, host, port } = ctx.broker.node;
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    endpointType: 1,
    clusterId: ctx.broker.log.clusterId,
    controllerId: nodeId,
    brokers: [{ brokerId: nodeId, host, port, rack: null }],
  };
}
