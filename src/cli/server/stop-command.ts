import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const STOP_USAGE = `Usage: sluice server stop [--data-dir DIR] [--timeout SECONDS]

Stops the Sluice server that holds DIR (default: sluice.data.dir from the environment, else
./sluice-data): sends it SIGTERM, as ksqlDB's ksql-server-stop does, and waits until it has
stopped cleanly (connectors stopped, offsets committed, log closed), 60 s at most.`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends SIGTERM to the server that holds a data dir's lock and waits for it to exit. */
export async function stopServer(
  dataDir: string,
  timeoutMs: number,
  out: (line: string) => void,
): Promise<number> {
  const lock = join(dataDir, '.lock');
  if (!existsSync(lock)) {
    out(`No Sluice server is running on ${dataDir} (it has no ${lock}).`);
    return 1;
  }
  const pid = Number(readFileSync(lock, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    out(`No Sluice server is running on ${dataDir}: the process in ${lock} (${pid}) has ended.`);
    return 1;
  }
  out(`Stopping the Sluice server on ${dataDir} (pid ${pid}) …`);
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      out(
        `The server (pid ${pid}) is still stopping after ${Math.round(timeoutMs / 1000)} s. Wait longer, or force it with kill -9 ${pid} (the log recovers at the next start).`,
      );
      return 1;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  out(`Sluice stopped (pid ${pid}).`);
  return 0;
}
