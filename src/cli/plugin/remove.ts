import { parseArgs } from 'node:util';
import { PluginInstallError, removePluginPackage } from '../../connect/plugins/index.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { expectPositionals, parseFlags } from '../parse-flags.js';
import type { PluginCommand } from './plugin-command.js';
import { PLUGIN_PATH_HELP, PLUGIN_PATH_OPTIONS, resolvePluginPath } from './plugin-path.js';

const COMMAND = 'plugin remove';

export const removePluginCommand: PluginCommand = {
  name: 'remove',
  summary: 'Remove an installed connector package by name',
  help: `Usage: sluice plugin remove <package-name>

Deletes the package's folder from the plugin directories (a broken one too, by its folder name).
A running server keeps the classes it loaded until it restarts.

Options:
${PLUGIN_PATH_HELP}`,

  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(
      () => parseArgs({ args, allowPositionals: true, options: PLUGIN_PATH_OPTIONS }),
      COMMAND,
    );
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const [name] = expectPositionals(positionals, ['package-name'], COMMAND);
    const pluginPath = resolvePluginPath(values['plugin-path'], io.env, COMMAND);
    try {
      for (const dir of removePluginPackage(pluginPath, name)) io.stdout.write(`Removed ${name} (${dir})\n`);
      return 0;
    } catch (err) {
      if (err instanceof PluginInstallError) throw new CliError(err.message);
      throw err;
    }
  },
};
