import type { ConnectLogger } from '../api/index.js';

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const ORDER: Record<Level, number> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 };

/** Log levels by logger name, changeable at run time (the /admin/loggers endpoints). */
export const logLevels = new Map<string, Level>([['root', 'INFO']]);

/** The log4j levels /admin/loggers accepts. */
export const LOG4J_LEVELS = ['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL'] as const;

/** What /admin/loggers shows: the level as set (log4j's name) and when (ms), null if never changed. */
const shownLevels = new Map<string, { level: string; lastModified: number | null }>();

export function loggerLevel(name: string): { level: string; last_modified: number | null } | undefined {
  const threshold = logLevels.get(name);
  if (threshold === undefined) return undefined;
  const shown = shownLevels.get(name);
  return shown?.level === undefined || !sameThreshold(shown.level, threshold)
    ? { level: threshold, last_modified: shown?.lastModified ?? null }
    : { level: shown.level, last_modified: shown.lastModified };
}

function thresholdOf(level: string): Level {
  switch (level) {
    case 'TRACE':
    case 'ALL':
    case 'DEBUG':
      return 'DEBUG';
    case 'INFO':
      return 'INFO';
    case 'WARN':
      return 'WARN';
    default:
      return 'ERROR';
  }
}

function sameThreshold(level: string, threshold: Level): boolean {
  return thresholdOf(level) === threshold;
}

/** Sets a logger's level (a log4j level name, any case); answers the loggers changed. */
export function setLoggerLevel(name: string, level: string): string[] {
  const upper = level.toUpperCase();
  // As log4j does: the logger and every logger below it (for root, every logger).
  const affected = new Set([name]);
  for (const existing of logLevels.keys())
    if (name === 'root' || existing.startsWith(`${name}.`)) affected.add(existing);
  const now = Date.now();
  for (const n of affected) {
    logLevels.set(n, thresholdOf(upper));
    shownLevels.set(n, { level: upper, lastModified: now });
  }
  return [...affected].sort();
}

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
    const threshold =
      logLevels.get(`connector.${connector}`) ??
      logLevels.get('connector') ??
      logLevels.get('root') ??
      'INFO';
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

/** A failure's trace followed by the last lines its task or connector logged, for status traces. */
export function withRecentLines(trace: string, scope: string): string {
  const lines = recentLogLines(scope);
  return lines.length === 0 ? trace : `${trace}\nLast log lines:\n${lines.join('\n')}`;
}
