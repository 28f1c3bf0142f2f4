// Test support: `sluice server` as a real child process, with its output, its exit and its ready
// line as signals (no sleeps).
import { type ChildProcess, spawn } from 'node:child_process';

export const SLUICE_BIN = new URL('../../../bin/sluice.js', import.meta.url).pathname;

export interface ServerChild {
  readonly child: ChildProcess;
  readonly url: string;
  /** The embedded worker's Kafka Connect REST API, when it serves one. */
  readonly connectUrl: string | undefined;
  readonly output: () => string;
  /** Resolves with the exit code once the process has exited. */
  readonly exit: Promise<number | null>;
}

const children = new Set<ChildProcess>();

/** SIGKILLs every server a test left running (call it in `afterEach`). */
export function killServerChildren(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

/** Starts `sluice server` with the Connect REST API on a free port, and waits for its ready line. */
export function startServerChild(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServerChild> {
  const child = spawn(process.execPath, [SLUICE_BIN, 'server', '--port', '0', ...args], {
    env: { ...process.env, KSQL_CONNECT_LISTENERS: 'http://127.0.0.1:0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /Sluice (http:\/\/\S+) is ready/.exec(out);
      const connectUrl = /Kafka Connect REST API: (http:\/\/\S+)/.exec(out)?.[1];
      if (ready) resolve({ child, url: ready[1], connectUrl, output: () => out, exit });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then((code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

/** POST /ksql; resolves with the status and the parsed body. */
export async function ksqlRequest(url: string, ksql: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql }),
  });
  return { status: res.status, body: await res.json() };
}
