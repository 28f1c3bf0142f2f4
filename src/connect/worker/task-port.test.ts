import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProduceRecord } from '../../log/index.js';
import {
  Schemas,
  type SourceOffset,
  type SourceRecord,
  type SourceTask,
  sourceRecord,
} from '../api/index.js';
import { converterByClass } from '../converters/index.js';
import { connectLogger } from './connect-logger.js';
import { readErrorPolicy } from './error-policy.js';
import { SourceTaskRunner } from './source-task-runner.js';
import type { SourceLogPort, SourceOffsetPort, TaskStatusPort } from './task-port.js';
import { until } from './test-worker.fixture.js';

/** The three ports in memory: what the runner wrote, committed and reported, and nothing else. */
function memoryPorts(stored: SourceOffset | null) {
  const topics = new Map<string, string[]>();
  const log: SourceLogPort = {
    hasTopic: async (topic) => topics.has(topic),
    createTopic: async (topic) => {
      topics.set(topic, []);
    },
    append: async (topic: string, records: readonly ProduceRecord[]) => {
      const list = topics.get(topic);
      if (list === undefined) throw new Error(`no topic ${topic}`);
      return records.map((r) => {
        list.push(String(r.value));
        return { partition: 0, offset: list.length - 1 };
      });
    },
  };
  const committed: SourceOffset[] = [];
  const offsets: SourceOffsetPort = {
    get: (connector, partition) => (connector === 'c' && partition.file === 'in' ? stored : null),
    putAll: async (_connector, entries) => {
      for (const e of entries) if (e.offset !== null) committed.push(e.offset);
    },
  };
  const states: string[] = [];
  const statuses: TaskStatusPort = {
    putTask: async (connector, task, state) => {
      states.push(`${connector}-${task} ${state}`);
    },
  };
  return { topics, log, committed, offsets, states, statuses };
}

/** Resumes after the offset it is given and emits the next two lines, then fails if `failAfter`. */
class ResumingTask implements SourceTask {
  private from = 0;
  private sent = false;
  private readonly failAfter: boolean;
  constructor(failAfter: boolean) {
    this.failAfter = failAfter;
  }
  version = () => '1';
  private context: Parameters<SourceTask['initialize']>[0] | undefined;
  initialize(context: Parameters<SourceTask['initialize']>[0]): void {
    this.context = context;
  }
  async start(): Promise<void> {
    const stored = await this.context?.offsetStorageReader.offset({ file: 'in' });
    this.from = Number(stored?.line ?? 0);
  }
  async poll(): Promise<SourceRecord[] | null> {
    if (this.sent) {
      if (this.failAfter) throw new Error('the source went away');
      await new Promise((r) => setTimeout(r, 20));
      return null;
    }
    this.sent = true;
    return [this.from + 1, this.from + 2].map((line) =>
      sourceRecord({
        topic: 'lines',
        sourcePartition: { file: 'in' },
        sourceOffset: { line },
        valueSchema: Schemas.STRING,
        value: `line ${line}`,
      }),
    );
  }
  stop(): void {}
}

function runner(task: SourceTask, ports: ReturnType<typeof memoryPorts>): SourceTaskRunner {
  const value = converterByClass('org.apache.kafka.connect.storage.StringConverter');
  value.configure({}, false);
  return new SourceTaskRunner(task, {
    log: ports.log,
    offsets: ports.offsets,
    statuses: ports.statuses,
    connector: 'c',
    taskId: 0,
    taskConfig: {},
    keyConverter: value,
    valueConverter: value,
    transform: (r) => r,
    errors: readErrorPolicy({}),
    offsetFlushIntervalMs: 60_000,
    newTopicPartitions: 1,
    logger: connectLogger('c', 0),
  });
}

test('a source task runner works through its ports alone: resumes from the stored offset, creates the topic, writes, and commits on stop', async () => {
  const ports = memoryPorts({ line: 5 });
  const r = runner(new ResumingTask(false), ports);
  r.start();
  assert.equal(await r.started, undefined);
  await until('both lines written', () => r.written === 2);
  await r.stop();
  assert.deepEqual(ports.topics.get('lines'), ['line 6', 'line 7']);
  assert.deepEqual(ports.committed, [{ line: 7 }]);
  assert.deepEqual(ports.states, ['c-0 RUNNING']);
  assert.equal(r.state, 'STOPPED');
});

test('a failing source task reports FAILED with its trace through the status port, after committing what it wrote', async () => {
  const ports = memoryPorts(null);
  const r = runner(new ResumingTask(true), ports);
  r.start();
  await until('the task failed', () => r.state === 'FAILED');
  await until('FAILED reported', () => ports.states.length === 2);
  assert.deepEqual(ports.states, ['c-0 RUNNING', 'c-0 FAILED']);
  assert.match(r.trace ?? '', /the source went away/);
  assert.deepEqual(ports.committed, [{ line: 2 }]);
  await r.stop();
});
