// Test support: runs a JdbcSourceTask without a worker, with offsets from a map and a logger
// whose lines the test can wait for.
import type { SourceOffset, SourcePartition, SourceRecord } from '../../connect/api/index.js';
import { JdbcSourceTask } from './jdbc-source-task.js';

export interface TaskHarness {
  readonly task: JdbcSourceTask;
  readonly warnings: string[];
  /** Polls until `count` records came (failing after `maxPolls` polls). */
  records(count: number, maxPolls?: number): Promise<SourceRecord[]>;
  /** Polls until a poll returns nothing, collecting what came before. */
  drain(): Promise<SourceRecord[]>;
}

export async function startTask(
  props: Record<string, string>,
  offsets: ReadonlyMap<string, SourceOffset> = new Map(),
): Promise<TaskHarness> {
  const task = new JdbcSourceTask();
  const warnings: string[] = [];
  const lookup = (p: SourcePartition) => offsets.get(JSON.stringify(p)) ?? null;
  task.initialize({
    configs: props,
    offsetStorageReader: {
      offset: async (p) => lookup(p),
      offsets: async (ps) => new Map(ps.map((p) => [p, lookup(p)])),
    },
    logger: {
      debug() {},
      info() {},
      warn: (m) => void warnings.push(m),
      error: (m) => void warnings.push(m),
    },
  });
  await task.start(props);
  return {
    task,
    warnings,
    async records(count, maxPolls = 200) {
      const out: SourceRecord[] = [];
      for (let i = 0; i < maxPolls && out.length < count; i++) out.push(...((await task.poll()) ?? []));
      if (out.length < count) throw new Error(`Only ${out.length} of ${count} records came.`);
      return out;
    },
    async drain() {
      const out: SourceRecord[] = [];
      for (;;) {
        const batch = await task.poll();
        if (batch === null || batch.length === 0) return out;
        out.push(...batch);
      }
    },
  };
}

/** The offsets a task would resume from: each partition's offset in the last record of it. */
export function lastOffsets(records: readonly SourceRecord[]): Map<string, SourceOffset> {
  const out = new Map<string, SourceOffset>();
  for (const r of records) out.set(JSON.stringify(r.sourcePartition), r.sourceOffset);
  return out;
}
