import { usageError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { installPluginCommand } from './install.js';
import { listPluginsCommand } from './list.js';
import type { PluginCommand } from './plugin-command.js';
import { removePluginCommand } from './remove.js';

export const PLUGIN_COMMANDS: readonly PluginCommand[] = [
  installPluginCommand,
  listPluginsCommand,
  removePluginCommand,
];

export function pluginHelp(): string {
  const width = Math.max(...PLUGIN_COMMANDS.map((c) => c.name.length));
  return `Usage: sluice plugin <command> [options]

Manages connector packages in a plugin directory (the worker's plugin.path); the server loads
them when it starts. See docs/connector-packages.md for writing one.

Commands:
${PLUGIN_COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run 'sluice plugin <command> --help' for a command's options.`;
}

/** `sluice plugin <command> …` */
export async function runPluginCommand(args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) throw usageError('Missing the plugin command.', 'plugin');
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${pluginHelp()}\n`);
    return 0;
  }
  const command = PLUGIN_COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    throw usageError(
      `Unknown plugin command '${name}'. Commands: ${PLUGIN_COMMANDS.map((c) => c.name).join(', ')}.`,
      'plugin',
    );
  }
  return command.run(rest, io);
}
