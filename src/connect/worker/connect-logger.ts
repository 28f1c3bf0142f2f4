import type { ConnectLogger } from '../api/index.js';

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const ORDER: Record<Level, number> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 };

/** Log levels by logger name, changeable at run time (the /admin/loggers endpoints). */
export const logLevels = new Map<string, Level>([['root', 'INFO']]);

/** The last lines each task logged, shown in a failed task's status trace. */
const recentLines = new Map<string, string[]>();
const RECENT = 20;

export function recentLogLines(scope: string): readonly string[] {
  return recentLines.get(scope) ?? [];
}

/**
 * A logger whose every line names the connector and task: human-readable on a terminal, one JSON
 * object a line otherwise (for log collectors).
 */
export function connectLogger(connector: string, task?: number): ConnectLogger {
  const scope = task === undefined ? connector : `${connector}-${task}`;
  const write = (level: Level, message: string, error?: unknown) => {
    const threshold = logLevels.get(`connector.${connector}`) ?? logLevels.get('root') ?? 'INFO';
    const detail = error instanceof Error ? `: ${error.message}` : '';
    const lines = recentLines.get(scope) ?? [];
    lines.push(`${level} ${message}${detail}`);
    if (lines.length > RECENT) lines.shift();
    recentLines.set(scope, lines);
    if (ORDER[level] < ORDER[threshold]) return;
    const time = new Date().toISOString();
    const out = process.stdout.isTTY
      ? `[${time}] ${level} [${connector}${task === undefined ? '' : `|task-${task}`}] ${message}${detail}\n`
      : `${JSON.stringify({ time, level, connector, ...(task === undefined ? {} : { task }), message: message + detail })}\n`;
    process.stdout.write(out);
  };
  return {
    debug: (m) => write('DEBUG', m),
    info: (m) => write('INFO', m),
    warn: (m) => write('WARN', m),
    error: (m, e) => write('ERROR', m, e),
  };
}
