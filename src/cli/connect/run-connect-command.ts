import { parseArgs } from 'node:util';
import {
  readConnectorFile,
  type StandaloneWorker,
  standaloneWorkerProperties,
  unknownWorkerSettingWarnings,
} from '../../app/index.js';
import { basicAuthorization } from '../credentials.js';
import { CONNECT_USAGE } from './connect-usage.js';

/** `sluice connect`: starts, prints a ready line, stops cleanly on SIGTERM or SIGINT. */
export async function runConnectCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    process.stderr.write(`sluice connect: ${(err as Error).message}\n${CONNECT_USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${CONNECT_USAGE}\n`);
    return 0;
  }
  let running: StandaloneWorker;
  try {
    const [workerFile, ...connectorFiles] = parsed.positionals;
    const properties = standaloneWorkerProperties({
      ...(workerFile === undefined ? {} : { file: workerFile }),
      env: process.env,
      ...(parsed.port === undefined ? {} : { port: parsed.port }),
      ...(parsed.values['bootstrap-server'] === undefined
        ? {}
        : { bootstrapServer: parsed.values['bootstrap-server'] }),
    });
    for (const line of unknownWorkerSettingWarnings(properties)) process.stderr.write(`${line}\n`);
    const connectors = connectorFiles.map(readConnectorFile);
    // Loaded only now: the worker pulls in every connector (faker among them).
    const { startStandaloneWorker } = await import('../../app/index.js');
    running = await startStandaloneWorker({
      properties,
      connectors,
      ...serverAuthorization(parsed.values),
      ...(parsed.values['data-dir'] === undefined ? {} : { dataDir: parsed.values['data-dir'] }),
    });
  } catch (err) {
    process.stderr.write(`sluice connect: ${(err as Error).message}\n`);
    return 1;
  }
  const worker = running;
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`${signal} received, stopping the worker.\n`);
      worker.close().then(
        () => {
          process.stdout.write('Connect worker stopped.\n');
          resolve(0);
        },
        (err: unknown) => {
          process.stderr.write(`sluice connect: error while stopping: ${(err as Error).message}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    // Distributed: an error the worker cannot go on from stops it.
    void worker.fatal.then((err) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`sluice connect: ${err.message}\n`);
      worker.close().then(
        () => resolve(1),
        () => resolve(1),
      );
    });
  });
  process.stdout.write(`Topics and worker state: ${worker.storage}\n`);
  if (worker.worker.restUrl === undefined) {
    process.stderr.write('sluice connect: the Connect REST API could not listen (see above); stopping.\n');
    await worker.close();
    return 1;
  }
  process.stdout.write(`Kafka Connect REST API ${worker.worker.restUrl} is ready.\n`);
  return stopped;
}

/**
 * Credentials for a Sluice server with authentication.method=BASIC: --user/--password, else
 * SLUICE_USER/SLUICE_PASSWORD (the worker runs unattended, so it never asks).
 */
function serverAuthorization(values: { user?: string; password?: string }): { authorization?: string } {
  const user = values.user ?? process.env.SLUICE_USER;
  const password = values.password ?? process.env.SLUICE_PASSWORD;
  if (user === undefined || user === '') {
    if (values.password !== undefined) throw new Error('--password needs --user.');
    return {};
  }
  if (password === undefined)
    throw new Error(`No password for user '${user}': give --password or set SLUICE_PASSWORD.`);
  return { authorization: basicAuthorization({ user, password }) };
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      'bootstrap-server': { type: 'string' },
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      user: { type: 'string', short: 'u' },
      password: { type: 'string', short: 'p' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values['data-dir'] !== undefined && values['bootstrap-server'] !== undefined)
    throw new Error('--data-dir and --bootstrap-server name two places for the topics: give one.');
  let port: number | undefined;
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535)
      throw new Error(`--port must be a port number, got '${values.port}'.`);
    port = Number(values.port);
  }
  return { values, positionals, port };
}
