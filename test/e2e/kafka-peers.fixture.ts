// Test support: the independent Kafka clients scripts/test-peers/install.sh installs (run by
// `npm test` before the tests), and how to run them. A peer that is missing makes its tests skip
// with a message naming it, never pass silently.
import { type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const peersDir = process.env.SLUICE_PEERS_DIR ?? join(homedir(), '.cache', 'sluice');
const INSTALL = 'run scripts/test-peers/install.sh (npm test runs it)';

export interface Peer {
  /** Why the peer cannot run, or undefined when it can. */
  readonly missing: string | undefined;
}

export const kcat: Peer & { readonly bin: string } = {
  bin: 'kcat',
  missing:
    spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status === 0
      ? undefined
      : `kcat is not installed (Debian package kcat): ${INSTALL}`,
};

const python = join(peersDir, 'python', 'bin', 'python');
export const kafkaPython: Peer & { readonly python: string } = {
  python,
  missing:
    existsSync(python) && spawnSync(python, ['-c', 'import kafka'], { stdio: 'ignore' }).status === 0
      ? undefined
      : `kafka-python is not installed in ${join(peersDir, 'python')}: ${INSTALL}`,
};

/** confluent-kafka (librdkafka under Python), from the same venv: what has a transactional producer. */
export const confluentKafka: Peer & { readonly python: string } = {
  python,
  missing:
    existsSync(python) &&
    spawnSync(python, ['-c', 'import confluent_kafka'], { stdio: 'ignore' }).status === 0
      ? undefined
      : `confluent-kafka is not installed in ${join(peersDir, 'python')}: ${INSTALL}`,
};

const jars = join(peersDir, 'kafka-jars');
const hasJars = existsSync(jars) && readdirSync(jars).some((f) => f.startsWith('kafka-tools-'));
export const kafkaJava: Peer & { readonly classpath: string } = {
  classpath: `${jars}/*`,
  missing: !hasJars
    ? `Apache Kafka's Java tools are not in ${jars}: ${INSTALL}`
    : spawnSync('java', ['-version'], { stdio: 'ignore' }).status !== 0
      ? 'java is not installed'
      : undefined,
};

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (bounded by `timeoutMs`), feeding `input` to its standard input. */
export function run(
  command: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  const spawnOptions: SpawnOptions = {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  };
  const child = spawn(command, args, spawnOptions);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin?.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs one of Kafka's Java tools by its main class, e.g. org.apache.kafka.tools.TopicCommand. */
export function runKafkaTool(
  mainClass: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return run('java', ['-cp', kafkaJava.classpath, mainClass, ...args], options);
}
