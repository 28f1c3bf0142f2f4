import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** How many lines the history file keeps. */
const MAX_ENTRIES = 1000;

export function historyFilePath(env: Readonly<Record<string, string | undefined>>): string {
  return env.SLUICE_HISTORY_FILE || join(homedir(), '.sluice_history');
}

/**
 * The shell's input lines, kept across sessions in a file (one line per entry, oldest first).
 * A history that cannot be read or written never stops the shell: it just is not kept.
 */
export class HistoryFile {
  readonly path: string;
  private readonly entries: string[];

  constructor(path: string) {
    this.path = path;
    this.entries = load(path);
  }

  /** Oldest first. */
  get lines(): readonly string[] {
    return this.entries;
  }

  add(line: string): void {
    if (line.trim() === '' || line === this.entries.at(-1)) return;
    this.entries.push(line);
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      appendFileSync(this.path, `${line}\n`);
    } catch {
      // Read-only home, full disk: keep the session's history in memory only.
    }
  }
}

function load(path: string): string[] {
  let lines: string[];
  try {
    lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    return [];
  }
  if (lines.length > MAX_ENTRIES) {
    lines = lines.slice(-MAX_ENTRIES);
    try {
      writeFileSync(path, `${lines.join('\n')}\n`);
    } catch {
      // Trimming is housekeeping; a file that cannot be rewritten is still usable.
    }
  }
  return lines;
}
