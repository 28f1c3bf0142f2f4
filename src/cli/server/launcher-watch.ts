/**
 * Stops the server when the npm that started it is told to stop. `npx sluice server &` then
 * `kill $!` signals npm, which ends the shell between it and the server and exits, without the
 * signal reaching the server: the server notices its parent is gone and stops as on SIGTERM.
 * Only under npm (npm_command is set): a server started with nohup, or by a shell that exits,
 * keeps running.
 */
export function stopWhenNpmLauncherExits(
  env: Readonly<Record<string, string | undefined>>,
  stop: (reason: string) => void,
): () => void {
  if (env.npm_command === undefined) return () => {};
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      stop(`the npm ${env.npm_command} that started it (via pid ${parent}) exited`);
    }
  }, 250);
  timer.unref();
  return () => clearInterval(timer);
}
