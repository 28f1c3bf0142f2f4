// Test support: a JDBC sink task driven directly, with a fake SinkTaskContext that records
// timeouts, log lines and reported records.
import type {
  ConnectLogger,
  ConnectValue,
  Schema,
  SinkRecord,
  SinkTaskContext,
} from '../../connect/api/index.js';
import type { TestPostgres } from '../postgres/test-postgres.fixture.js';
import { JdbcSinkTask } from './jdbc-sink-task.js';

export interface Reported {
  readonly record: SinkRecord;
  readonly error: Error;
}

export interface TaskHarness {
  readonly task: JdbcSinkTask;
  readonly timeouts: number[];
  readonly logs: string[];
  /** Records handed to the errant record reporter (when `reporter` was asked for). */
  readonly reported: Reported[];
  /** put, then flush: the records are written (or the task failed) when it resolves. */
  put(records: readonly SinkRecord[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startTask(
  db: TestPostgres,
  props: Record<string, string>,
  options: { reporter?: boolean } = {},
): Promise<TaskHarness> {
  const configs = {
    'connection.url': db.jdbcUrl,
    'connection.user': db.user,
    'connection.password': db.password,
    ...props,
  };
  const timeouts: number[] = [];
  const logs: string[] = [];
  const reported: Reported[] = [];
  const logger: ConnectLogger = {
    debug: (m) => logs.push(`DEBUG ${m}`),
    info: (m) => logs.push(`INFO ${m}`),
    warn: (m) => logs.push(`WARN ${m}`),
    error: (m) => logs.push(`ERROR ${m}`),
  };
  const context: SinkTaskContext = {
    configs,
    logger,
    offset: () => {},
    timeout: (ms) => timeouts.push(ms),
    assignment: () => [],
    pause: () => {},
    resume: () => {},
    requestCommit: () => {},
    errantRecordReporter: options.reporter
      ? async (record, error) => {
          reported.push({ record, error });
        }
      : null,
  };
  const task = new JdbcSinkTask();
  task.initialize(context);
  await task.start(configs);
  return {
    task,
    timeouts,
    logs,
    reported,
    put: async (records) => {
      await task.put(records);
      await task.flush();
    },
    stop: async () => {
      await task.stop();
    },
  };
}

let nextOffset = 0;

/** A sink record; offsets increase across calls unless given. */
export function sinkRecord(fields: {
  topic?: string;
  value: ConnectValue;
  valueSchema?: Schema | null;
  key?: ConnectValue;
  keySchema?: Schema | null;
  partition?: number;
  offset?: number;
}): SinkRecord {
  const topic = fields.topic ?? 'events';
  const partition = fields.partition ?? 0;
  const offset = fields.offset ?? nextOffset++;
  return {
    topic,
    kafkaPartition: partition,
    kafkaOffset: offset,
    keySchema: fields.keySchema ?? null,
    key: fields.key ?? null,
    valueSchema: fields.valueSchema ?? null,
    value: fields.value,
    timestamp: 0,
    timestampType: 'CreateTime',
    headers: [],
    originalTopic: topic,
    originalKafkaPartition: partition,
    originalKafkaOffset: offset,
  };
}
