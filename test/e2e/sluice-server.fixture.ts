// A real `sluice server` process for the durability tests: started on a free port over a data dir,
// driven over its REST API, killed with SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process';

const bin = new URL('../../../bin/sluice.js', import.meta.url).pathname;

export interface SluiceProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly clusterId: string;
  /** Sluice's Schema Registry, as the server announced it, unless it is off. */
  readonly schemaRegistryUrl: string | undefined;
  /** Resolves with the exit signal or code. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  output(): string;
  /** POST /ksql; throws with the server's message unless 200. */
  ksql(statements: string, streamsProperties?: Record<string, string>): Promise<unknown[]>;
  /** Every record of a topic's partition from `offset`, read over the REST Proxy routes (none while it does not exist). */
  records(
    topic: string,
    partition?: number,
    offset?: number,
  ): Promise<{ key: string | null; value: string | null }[]>;
  /** The consumer group's committed offset of one partition, if any. */
  committed(group: string, topic: string, partition?: number): Promise<number | undefined>;
  kill(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Kills every server a test left running (call from afterEach). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export function startSluice(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<SluiceProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'server', '--port', '0', '--data-dir', dataDir], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    const exited = new Promise<NodeJS.Signals | number | null>((done) =>
      child.once('exit', (code, signal) => {
        running.delete(child);
        done(signal ?? code);
      }),
    );
    let out = '';
    let ready = false;
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Sluice (http:\/\/\S+) is ready/.exec(out);
      if (match === null || ready) return;
      ready = true;
      void made(match[1]).then(resolve, reject);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((how) => {
      if (!ready) reject(new Error(`server exited (${how}) before it was ready:\n${out}`));
    });

    async function made(url: string): Promise<SluiceProcess> {
      const info = (await (await fetch(`${url}/info`)).json()) as {
        KsqlServerInfo: { kafkaClusterId: string };
      };
      const clusterId = info.KsqlServerInfo.kafkaClusterId;
      const v3 = `${url}/v3/clusters/${clusterId}`;
      return {
        child,
        url,
        clusterId,
        schemaRegistryUrl: /Schema Registry: (http:\/\/\S+)/.exec(out)?.[1],
        exited,
        output: () => out,
        async ksql(statements, streamsProperties = {}) {
          const res = await fetch(`${url}/ksql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ ksql: statements, streamsProperties }),
          });
          const body = (await res.json()) as unknown;
          if (res.status !== 200) throw new Error(`/ksql answered ${res.status}: ${JSON.stringify(body)}`);
          return body as unknown[];
        },
        async records(topic, partition = 0, offset = 0) {
          const out: { key: string | null; value: string | null }[] = [];
          for (;;) {
            const res = await fetch(`${v3}/topics/${topic}/partitions/${partition}/records?offset=${offset}`);
            // A topic not created yet (a query's output, a connector's topic) has no records yet.
            if (res.status === 404 && offset === 0) return [];
            const body = (await res.json()) as {
              records: { key: string | null; value: string | null }[];
              next_offset: number;
              end_offset: number;
            };
            const text = (b: string | null) => (b === null ? null : Buffer.from(b, 'base64').toString());
            for (const r of body.records) out.push({ key: text(r.key), value: text(r.value) });
            offset = body.next_offset;
            if (offset >= body.end_offset) return out;
          }
        },
        async committed(group, topic, partition = 0) {
          const res = await fetch(
            `${v3}/consumer-groups/${encodeURIComponent(group)}/offsets?topic=${topic}`,
          );
          const body = (await res.json()) as { data: { partition_id: number; offset: number }[] };
          return body.data.find((o) => o.partition_id === partition)?.offset;
        },
        async kill() {
          child.kill('SIGKILL');
          await exited;
        },
      };
    }
  });
}

/** Polls `check` (a server's answer) until it holds; fails after `ms`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
