import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { installPluginPackage, PluginInstallError } from '../../connect/plugins/index.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import { expectPositionals, parseFlags } from '../parse-flags.js';
import { answerHubInstall, parseHubCoordinates } from './confluent-hub.js';
import type { PluginCommand } from './plugin-command.js';
import {
  builtinClassNames,
  PLUGIN_PATH_HELP,
  PLUGIN_PATH_OPTIONS,
  resolvePluginPath,
} from './plugin-path.js';

const COMMAND = 'plugin install';

export const installPluginCommand: PluginCommand = {
  name: 'install',
  summary: 'Install a connector package from a folder, a .tgz tarball or npm',
  help: `Usage: sluice plugin install <folder | tarball.tgz | npm-package[@version] | owner/name[:version]> [--force]

Installs a connector package into the plugin directory (its first entry), with its production
dependencies, after checking its manifest and that it loads. A running server picks it up when
restarted with the directory in plugin.path (e.g. KSQL_CONNECT_PLUGIN_PATH).

Confluent Hub coordinates (owner/name[:version], as confluent-hub install takes them) name a
connector built into Sluice (mdrogalis/voluble, confluentinc/kafka-connect-datagen,
confluentinc/kafka-connect-jdbc, debezium/debezium-connector-postgresql): nothing to install.
Java connectors from Confluent Hub cannot run in Sluice.

Options:
  --force            Replace an installed package of the same name
  --no-prompt        Accepted as confluent-hub takes it (Sluice never prompts)
${PLUGIN_PATH_HELP}`,

  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(
      () =>
        parseArgs({
          args,
          allowPositionals: true,
          options: { ...PLUGIN_PATH_OPTIONS, force: { type: 'boolean' }, 'no-prompt': { type: 'boolean' } },
        }),
      COMMAND,
    );
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const [spec] = expectPositionals(positionals, ['package'], COMMAND);
    const hub = existsSync(spec) ? undefined : parseHubCoordinates(spec);
    if (hub !== undefined) {
      const { builtinConnectors } = await import('../../connectors/index.js');
      const answer = answerHubInstall(hub, (c) => builtinConnectors.find((p) => p.className === c)?.version);
      if (!answer.ok) throw new CliError(answer.message);
      io.stdout.write(`${answer.message}\n`);
      return 0;
    }
    const [pluginDir] = resolvePluginPath(values['plugin-path'], io.env, COMMAND);
    try {
      const installed = await installPluginPackage({
        spec,
        pluginDir,
        force: values.force,
        reservedClassNames: await builtinClassNames(),
        progress: (line) => io.stderr.write(`${line}\n`),
      });
      const { name, version } = installed.manifest;
      const replaced =
        installed.replacedVersion === undefined ? '' : ` (replacing ${installed.replacedVersion})`;
      const classes = installed.plugins.map((p) => `  ${p.className} (${p.type})`).join('\n');
      io.stdout.write(`Installed ${name} ${version}${replaced} into ${installed.dir}\n${classes}\n`);
      io.stderr.write(`Restart the server with ${pluginDir} in plugin.path to load it.\n`);
      return 0;
    } catch (err) {
      if (err instanceof PluginInstallError) throw new CliError(err.message);
      throw err;
    }
  },
};
