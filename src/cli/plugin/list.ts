import { parseArgs } from 'node:util';
import {
  type BrokenPluginPackage,
  type LoadedPluginPackage,
  loadPluginPackages,
} from '../../connect/plugins/index.js';
import type { CliIo } from '../cli-io.js';
import { expectPositionals, parseFlags } from '../parse-flags.js';
import type { PluginCommand } from './plugin-command.js';
import {
  builtinClassNames,
  existingDirs,
  PLUGIN_PATH_HELP,
  PLUGIN_PATH_OPTIONS,
  resolvePluginPath,
} from './plugin-path.js';

const COMMAND = 'plugin list';

function rows(
  builtins: readonly { className: string; type: string; version: string }[],
  loaded: readonly LoadedPluginPackage[],
  broken: readonly BrokenPluginPackage[],
): string[][] {
  return [
    ['NAME', 'VERSION', 'CONNECTORS'],
    ...builtins.map((c) => ['(built in)', c.version, `${c.className} (${c.type})`]),
    ...loaded.map((p) => [
      p.manifest.name,
      p.manifest.version,
      p.plugins.map((c) => `${c.className} (${c.type})`).join(', '),
    ]),
    ...broken.map((b) => [b.name, '-', `BROKEN ${b.dir}: ${b.reason}`]),
  ];
}

function table(lines: readonly string[][]): string {
  const widths = [0, 1].map((col) => Math.max(...lines.map((l) => l[col].length)));
  return lines.map((l) => `${l[0].padEnd(widths[0])}  ${l[1].padEnd(widths[1])}  ${l[2]}`).join('\n');
}

export const listPluginsCommand: PluginCommand = {
  name: 'list',
  summary: 'List the built-in connectors, installed connector packages (versions, classes) and broken ones',
  help: `Usage: sluice plugin list

Lists the connectors built into Sluice, then loads every package in the plugin directories as the
worker would and prints its name, version and connector classes; packages the worker would skip
are shown as BROKEN with the reason.

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
    expectPositionals(positionals, [], COMMAND);
    const pluginPath = resolvePluginPath(values['plugin-path'], io.env, COMMAND);
    const report = await loadPluginPackages(existingDirs(pluginPath), {
      reservedClassNames: await builtinClassNames(),
    });
    const { builtinConnectors } = await import('../../connectors/index.js');
    io.stdout.write(`${table(rows(builtinConnectors, report.loaded, report.broken))}\n`);
    if (report.loaded.length + report.broken.length === 0)
      io.stderr.write(`No connector packages in ${pluginPath.join(', ')}.\n`);
    return 0;
  },
};
