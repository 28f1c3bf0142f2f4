import { parseArgs } from 'node:util';
import { startServer } from '../../app/index.js';
import { ConfigError, describeEffectiveConfig, loadServerConfig } from '../../config/index.js';
import { stopWhenNpmLauncherExits } from './launcher-watch.js';
import { SERVER_USAGE as USAGE } from './server-usage.js';
import { STOP_USAGE, stopServer } from './stop-command.js';

/** `sluice server`: starts, prints the effective config and a ready line, stops cleanly on SIGTERM. */
export async function runServerCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'stop') return runStopCommand(argv.slice(1));
  let values: { port?: string; 'kafka-port'?: string; 'data-dir'?: string; config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        'kafka-port': { type: 'string' },
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`sluice server: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.port !== undefined && !/^\d+$/.test(values.port)) {
    process.stderr.write(`sluice server: --port must be a number, got '${values.port}'.\n`);
    return 2;
  }
  const kafkaPort = values['kafka-port'];
  if (kafkaPort !== undefined && (!/^\d+$/.test(kafkaPort) || Number(kafkaPort) > 65535)) {
    process.stderr.write(`sluice server: --kafka-port must be a port number, got '${kafkaPort}'.\n`);
    return 2;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    const config = loadServerConfig({
      flags: {
        listeners: values.port === undefined ? undefined : `http://0.0.0.0:${values.port}`,
        'sluice.data.dir': values['data-dir'],
        'sluice.kafka.listeners': kafkaPort === undefined ? undefined : `PLAINTEXT://127.0.0.1:${kafkaPort}`,
      },
      env: process.env,
      file: values.config,
    });
    process.stdout.write(`${describeEffectiveConfig(config)}\n`);
    server = await startServer(config);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof Error) {
      process.stderr.write(`sluice server: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const report = server.openReport;
  if (report?.recovered) {
    process.stdout.write(
      `Recovered the log after an unclean shutdown (${report.truncatedBytes} bytes of torn tail cut).\n`,
    );
  }
  for (const c of report?.corruptSegments ?? [])
    process.stdout.write(`WARNING corrupt segment left in place: ${c}\n`);
  const running = server;
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`${signal.endsWith(';') ? signal : `${signal} received,`} shutting down.\n`);
      running.close().then(
        () => {
          process.stdout.write('Sluice stopped.\n');
          resolve(0);
        },
        (err: unknown) => {
          process.stderr.write(`sluice server: error while stopping: ${(err as Error).message}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    stopWhenNpmLauncherExits(process.env, (reason) => stop(`Stopping: ${reason};`));
  });
  if (server.connectUrl !== undefined) process.stdout.write(`Kafka Connect REST API: ${server.connectUrl}\n`);
  if (server.kafkaUrl !== undefined) process.stdout.write(`Kafka listener: ${server.kafkaUrl}\n`);
  if (server.schemaRegistryUrl !== undefined)
    process.stdout.write(`Schema Registry: ${server.schemaRegistryUrl}\n`);
  // Announced only once the signal handlers are in place, so a SIGTERM right after it is handled.
  process.stdout.write(`Sluice ${server.url} is ready.\n`);
  return stopped;
}

/** `sluice server stop`: SIGTERM to the server holding the data dir, then waits for it to exit. */
async function runStopCommand(argv: string[]): Promise<number> {
  let values: { 'data-dir'?: string; config?: string; timeout?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`sluice server stop: ${(err as Error).message}\n${STOP_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${STOP_USAGE}\n`);
    return 0;
  }
  const timeout = values.timeout === undefined ? 60 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    process.stderr.write(
      `sluice server stop: --timeout must be a number of seconds, got '${values.timeout}'.\n`,
    );
    return 2;
  }
  let dataDir: string;
  try {
    dataDir = loadServerConfig({
      flags: { 'sluice.data.dir': values['data-dir'] },
      env: process.env,
      file: values.config,
    }).getString('sluice.data.dir');
  } catch (err) {
    process.stderr.write(`sluice server stop: ${(err as Error).message}\n`);
    return 1;
  }
  return stopServer(dataDir, timeout * 1000, (line) => process.stdout.write(`${line}\n`));
}
