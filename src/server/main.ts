import { parseArgs } from 'node:util';
import { ConfigError, describeEffectiveConfig, loadServerConfig } from '../config/index.js';
import { LogError } from '../log/index.js';
import { startServer } from './server.js';

const USAGE = `Usage: sluice server [--port N] [--data-dir DIR] [--config FILE]

Starts Sluice with the embedded log (data in ./sluice-data) and the REST API on port 8088.
Environment variables map to properties as in ksqlDB's Docker image (KSQL_LISTENERS=http://0.0.0.0:8088).`;

/** `sluice server`: starts, prints the effective config and a ready line, stops cleanly on SIGTERM. */
export async function runServerCommand(argv: string[]): Promise<number> {
  let values: { port?: string; 'data-dir'?: string; config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
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
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    const config = loadServerConfig({
      flags: {
        listeners: values.port === undefined ? undefined : `http://0.0.0.0:${values.port}`,
        'sluice.data.dir': values['data-dir'],
      },
      env: process.env,
      file: values.config,
    });
    process.stdout.write(`${describeEffectiveConfig(config)}\n`);
    server = await startServer(config);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof LogError || err instanceof Error) {
      process.stderr.write(`sluice server: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const report = server.log.openReport;
  if (report.recovered) {
    process.stdout.write(
      `Recovered the log after an unclean shutdown (${report.truncatedBytes} bytes of torn tail cut).\n`,
    );
  }
  for (const c of report.corruptSegments)
    process.stdout.write(`WARNING corrupt segment left in place: ${c}\n`);
  const running = server;
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`${signal} received, shutting down.\n`);
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
  });
  if (server.connectUrl !== undefined) process.stdout.write(`Kafka Connect REST API: ${server.connectUrl}\n`);
  // Announced only once the signal handlers are in place, so a SIGTERM right after it is handled.
  process.stdout.write(`Sluice ${server.url} is ready.\n`);
  return stopped;
}
