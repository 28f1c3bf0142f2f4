import { createInterface } from 'node:readline';
import type { CliIo } from '../cli-io.js';
import { sluiceVersion } from '../version.js';
import type { HistoryFile } from './history-file.js';
import {
  checkServer,
  findLocalCommand,
  type LocalCommandContext,
  runLocalCommand,
} from './local-commands.js';
import type { ShellSession } from './shell-session.js';
import { StatementBuffer } from './statement-splitter.js';

const PROMPT = 'ksql> ';
/** Shown while a statement spans lines; as wide as the prompt so the text lines up. */
const CONTINUATION_PROMPT = '    > ';

function isTerminal(stream: NodeJS.ReadableStream | NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

async function printWelcome(session: ShellSession): Promise<void> {
  let serverVersion = '<unknown>';
  let serverStatus = '<unknown>';
  try {
    const info = await session.serverInfo();
    serverVersion = info.version;
    serverStatus = info.serverStatus ?? '<unknown>';
  } catch {
    // checkServer below explains what is wrong.
  }
  await session.print(
    `\nSluice ${sluiceVersion()}: streaming SQL, ksqlDB-compatible\n\n` +
      `CLI v${sluiceVersion()}, Server v${serverVersion} located at ${session.serverUrl}\n` +
      `Server Status: ${serverStatus}\n\n` +
      "Having trouble? Type 'help' (case-insensitive) for a rundown of how things work!\n\n",
  );
  if (serverStatus === '<unknown>') await checkServer(session);
}

/**
 * The read-eval-print loop: reads lines until a statement is complete (showing the continuation
 * prompt meanwhile), runs local commands typed at the start of a statement, and keeps history.
 * Ctrl-C stops a running query, or else discards what was typed; Ctrl-D or `exit` ends the shell.
 */
export async function runInteractiveShell(
  session: ShellSession,
  io: CliIo,
  history: HistoryFile,
): Promise<number> {
  const terminal = isTerminal(io.stdin) && isTerminal(io.stdout);
  await printWelcome(session);
  const rl = createInterface({
    input: io.stdin,
    output: io.stdout,
    terminal,
    // readline wants the newest entry first.
    history: [...history.lines].reverse(),
    historySize: 1000,
    prompt: PROMPT,
  });
  const buffer = new StatementBuffer();
  rl.on('SIGINT', () => {
    if (session.cancelRunningQuery()) return;
    buffer.clear();
    // Drop the typed text (Ctrl-U) and start over on a fresh prompt, as a shell does.
    rl.write(null, { ctrl: true, name: 'u' });
    io.stdout.write('^C\n');
    rl.setPrompt(PROMPT);
    rl.prompt();
  });
  const context: LocalCommandContext = {
    session,
    history: () => history.lines,
    clearScreen: () => io.stdout.write('\x1b[2J\x1b[H'),
  };

  rl.prompt();
  // Ctrl-D leaves the cursor after the prompt; `exit` was typed on a line of its own.
  let endedByEof = true;
  for await (const line of rl) {
    history.add(line);
    if (buffer.isEmpty) {
      const call = findLocalCommand(line);
      if (call !== undefined) {
        if ((await runLocalCommand(call, context)) === 'exit') {
          endedByEof = false;
          break;
        }
        rl.prompt();
        continue;
      }
    }
    const statements = buffer.push(line);
    if (statements.length > 0) await session.runStatements(statements);
    rl.setPrompt(buffer.isEmpty ? PROMPT : CONTINUATION_PROMPT);
    rl.prompt();
  }
  rl.close();
  await session.print(`${endedByEof ? '\n' : ''}Exiting Sluice.\n`);
  return 0;
}
