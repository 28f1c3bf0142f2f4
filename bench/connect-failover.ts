// Task failover of distributed `sluice connect`: three worker processes in one group on a `sluice
// server`'s Kafka listener run three FileStreamSource connectors; the worker that runs one of the
// tasks is SIGKILLed, and the figure is the time until that task is RUNNING on another worker. The
// baseline, measured in the same run, is the time from creating a connector to its task RUNNING
// (a rebalance and a start, with no failure to detect). session.timeout.ms is 6000 (the
// coordinator's minimum) and scheduled.rebalance.max.delay.ms 0, so the work moves as soon as the
// coordinator drops the dead member.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/sluice.js', import.meta.url).pathname;
const SESSION_TIMEOUT_MS = 6000;

export interface FailoverFigures {
  /** Create → task RUNNING, seconds. */
  readonly startSeconds: number;
  /** SIGKILL → the task RUNNING on another worker, seconds. */
  readonly failoverSeconds: number;
  readonly sessionTimeoutMs: number;
}

function start(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) resolve({ child, match });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}:\n${out}`)));
  });
}

interface TaskStatus {
  tasks: { state: string; worker_id: string }[];
}

/** Polls the status until `holds`; resolves when it does. */
async function waitFor(url: string, name: string, holds: (s: TaskStatus) => boolean): Promise<TaskStatus> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await fetch(`${url}/connectors/${name}/status`).catch(() => undefined);
    if (res?.status === 200) {
      const s = (await res.json()) as TaskStatus;
      if (holds(s)) return s;
    } else await res?.text();
    if (Date.now() > deadline) throw new Error(`timed out waiting on ${name}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function benchConnectFailover(): Promise<FailoverFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-failover-'));
  const children: ChildProcess[] = [];
  try {
    const server = await start(
      ['server', '--port', '0', '--data-dir', join(dir, 'data')],
      {},
      /Kafka listener: PLAINTEXT:\/\/(\S+)[\s\S]*is ready/,
    );
    children.push(server.child);
    const bootstrap = server.match[1];
    const env = {
      CONNECT_GROUP_ID: 'bench',
      CONNECT_CONFIG_STORAGE_TOPIC: 'bench-configs',
      CONNECT_OFFSET_STORAGE_TOPIC: 'bench-offsets',
      CONNECT_STATUS_STORAGE_TOPIC: 'bench-status',
      CONNECT_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      CONNECT_HEARTBEAT_INTERVAL_MS: '1000',
      CONNECT_SCHEDULED_REBALANCE_MAX_DELAY_MS: '0',
    };
    const workers = await Promise.all(
      [0, 1, 2].map(() =>
        start(
          ['connect', '--bootstrap-server', bootstrap, '--port', '0'],
          env,
          /Kafka Connect REST API (http:\/\/(\S+)) is ready/,
        ),
      ),
    );
    children.push(...workers.map((w) => w.child));
    const urls = workers.map((w) => w.match[1]);
    let startSeconds = 0;
    for (let i = 0; i < 3; i++) {
      const file = join(dir, `in-${i}.txt`);
      writeFileSync(file, 'a line\n');
      const begin = performance.now();
      for (;;) {
        const res = await fetch(`${urls[0]}/connectors`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name: `lines-${i}`,
            config: { 'connector.class': 'FileStreamSource', file, topic: `bench-lines-${i}` },
          }),
        });
        await res.text();
        if (res.status === 201) break;
        // 409 until the group's first rebalance names a leader.
        await new Promise((r) => setTimeout(r, 100));
      }
      await waitFor(urls[0], `lines-${i}`, (s) => s.tasks[0]?.state === 'RUNNING');
      if (i === 2) startSeconds = (performance.now() - begin) / 1000;
    }
    const before = await waitFor(urls[0], 'lines-0', (s) => s.tasks[0]?.state === 'RUNNING');
    const victim = workers.findIndex((w) => w.match[2] === before.tasks[0].worker_id);
    const survivor = urls[(victim + 1) % 3];
    const killedAt = performance.now();
    workers[victim].child.kill('SIGKILL');
    await waitFor(
      survivor,
      'lines-0',
      (s) => s.tasks[0]?.state === 'RUNNING' && s.tasks[0].worker_id !== before.tasks[0].worker_id,
    );
    return {
      startSeconds,
      failoverSeconds: (performance.now() - killedAt) / 1000,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
    };
  } finally {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
