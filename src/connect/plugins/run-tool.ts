import { execFile } from 'node:child_process';
import { PluginInstallError } from './plugin-install-error.js';

/**
 * Runs npm or tar and resolves to its stdout; a failure becomes a PluginInstallError with the tool's
 * own last words (npm explains itself well enough).
 */
export function runTool(tool: 'npm' | 'tar', args: readonly string[], cwd: string): Promise<string> {
  // npm is a .cmd script on Windows, which Node only starts through a shell.
  const shell = process.platform === 'win32' && tool === 'npm';
  return new Promise((resolve, reject) => {
    execFile(tool, [...args], { cwd, shell, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err === null) return resolve(stdout);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return reject(
          new PluginInstallError(`'${tool}' was not found on the PATH; it is needed to install this.`),
        );
      const said = stderr
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .slice(-5)
        .join('\n  ');
      reject(
        new PluginInstallError(`'${tool} ${args.join(' ')}' failed${said === '' ? '' : `:\n  ${said}`}`),
      );
    });
  });
}
