// Drives the interactive shell in a real terminal (tmux), where Ctrl-C reaches readline as a key.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RunningServer, startServer } from '../../app/index.js';
import { loadServerConfig } from '../../config/index.js';
import { SLUICE_BIN } from '../run-sluice.fixture.js';

function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = hasTmux() ? false : 'tmux is not installed (apt-get install -y tmux)';
const session = `sluice-shell-test-${process.pid}`;
let server: RunningServer;
let dir: string;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

/** Types a line: literally (tmux would read a trailing `;` as its own separator), then Enter. */
function typeLine(text: string): void {
  const body = text.endsWith(';') ? text.slice(0, -1) : text;
  tmux('send-keys', '-t', session, '-l', body);
  // `\;` is tmux's spelling of a literal semicolon key.
  tmux('send-keys', '-t', session, ...(body === text ? [] : ['\\;']), 'Enter');
}

async function screenShows(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', session);
    if (pattern.test(screen)) return screen;
    if (Date.now() > deadline) assert.fail(`Screen never showed ${pattern}:\n${screen}`);
    await sleep(100);
  }
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'sluice-tmux-'));
  server = await startServer(
    loadServerConfig({
      flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': join(dir, 'data') },
      env: {},
    }),
  );
});

after(async () => {
  if (skip) return;
  try {
    tmux('kill-session', '-t', session);
  } catch {
    // Already gone: the shell exited.
  }
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('Ctrl-C in a terminal cancels the push query and returns to the prompt', { skip }, async () => {
  const command = `SLUICE_HISTORY_FILE=${join(dir, 'history')} ${process.execPath} ${SLUICE_BIN} cli ${server.url}`;
  // The pane outlives the shell, so its last words can still be read after Ctrl-D.
  tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `${command}; sleep 30`);
  await screenShows(/^ksql>\s*$/m);
  typeLine(
    "CREATE STREAM t_orders (id INT KEY) WITH (kafka_topic='t_orders', partitions=1, value_format='JSON');",
  );
  await screenShows(/Stream created/);
  typeLine('SELECT * FROM t_orders');
  typeLine('EMIT CHANGES;');
  await screenShows(/\|ID +\|/);
  tmux('send-keys', '-t', session, 'C-c');
  const screen = await screenShows(/Query terminated\nksql>\s*$/m);
  assert.match(screen, /\+-+\+\nQuery terminated\n/);
  // The shell is still alive and answers the next statement.
  typeLine('SHOW STREAMS;');
  await screenShows(/ T_ORDERS +\| t_orders /);
  tmux('send-keys', '-t', session, 'C-d');
  await screenShows(/Exiting Sluice\./);
});
