import { KafkaLog, type Log, SegmentLog } from '../log/index.js';
import { RemoteLog } from '../server/client/index.js';

/** Where a topic tool works: a data dir opened directly, a running server's REST API, or a Kafka cluster. */
export type TopicLogTarget =
  | { readonly dataDir: string }
  | { readonly server: string; readonly authorization?: string }
  | { readonly bootstrapServers: readonly string[] };

/** The log a topic tool works on, for one command. */
export async function openTopicLog(target: TopicLogTarget): Promise<Log> {
  if ('server' in target) return RemoteLog.connect(target.server, target.authorization);
  if ('bootstrapServers' in target)
    return KafkaLog.open({ bootstrapServers: target.bootstrapServers, clientId: 'sluice-topic' });
  // The background cleaner belongs to the server; a short-lived tool should not delete segments.
  return SegmentLog.open({ dataDir: target.dataDir, cleanerIntervalMs: 0 });
}
