// Test support: runs the real `bin/sluice.js` as a child process, as a user would.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** From dist/src/cli/ up to the repository root. */
export const SLUICE_BIN = fileURLToPath(new URL('../../../bin/sluice.js', import.meta.url));

export interface SluiceRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBytes: Buffer;
}

export interface RunOptions {
  /** Written to stdin, which is then closed; without it stdin is closed at once. */
  readonly input?: string | Buffer;
  readonly env?: Readonly<Record<string, string>>;
}

/** The child's environment: ours without SLUICE_* (so a developer's settings cannot leak in), plus `extra`. */
function childEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('SLUICE_') && v !== undefined) env[k] = v;
  return { ...env, ...extra };
}

export function startSluice(args: readonly string[], options: RunOptions = {}): ChildProcess {
  return spawn(process.execPath, [SLUICE_BIN, ...args], {
    env: childEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Collects a started child's output until it exits. */
export function finished(child: ChildProcess): Promise<SluiceRun> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString(), stderr: Buffer.concat(err).toString(), stdoutBytes });
    });
  });
}

export function runSluice(args: readonly string[], options: RunOptions = {}): Promise<SluiceRun> {
  const child = startSluice(args, options);
  const done = finished(child);
  // A command that fails before reading its input closes stdin early: that EPIPE is not a test failure.
  child.stdin?.on('error', () => {});
  child.stdin?.end(options.input);
  return done;
}

/** Temporary data dirs, removed by `removeTempDirs` (call it in `after`). */
const dirs: string[] = [];

export function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
  dirs.push(dir);
  return join(dir, 'data');
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
