import { usageError } from './cli-error.js';

/**
 * Runs a `node:util` parseArgs call, turning its TypeErrors (unknown option, missing value, …) into a
 * usage error that names the command, so a typo never shows a stack trace.
 */
export function parseFlags<T>(parse: () => T, command: string): T {
  try {
    return parse();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      // Node's own message goes on about positionals starting with '-'; a typo is far more likely.
      const option = /'([^']+)'/.exec((err as Error).message)?.[1] ?? '';
      throw usageError(`Unknown option '${option}' for 'sluice ${command}'.`, command);
    }
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      throw usageError((err as Error).message, command);
    }
    throw err;
  }
}

/** A whole-number flag value within [min, max]; anything else is a usage error naming the flag. */
export function wholeNumberFlag(
  value: string,
  flag: string,
  command: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw usageError(`--${flag} must be a whole number ${range}, got '${value}'.`, command);
  }
  return n;
}

/** Splits `k=v` flag values (repeatable flags like --config and --header) at the first '='. */
export function keyValueFlag(value: string, flag: string, command: string): [string, string] {
  const at = value.indexOf('=');
  if (at <= 0) throw usageError(`--${flag} expects key=value, got '${value}'.`, command);
  return [value.slice(0, at), value.slice(at + 1)];
}

/** Exactly the positional arguments a command takes, e.g. one topic name. */
export function expectPositionals(
  positionals: readonly string[],
  names: readonly string[],
  command: string,
): string[] {
  if (positionals.length < names.length) {
    throw usageError(
      `Missing ${names
        .slice(positionals.length)
        .map((n) => `<${n}>`)
        .join(' ')}.`,
      command,
    );
  }
  if (positionals.length > names.length) {
    const extra = positionals.slice(names.length).map((p) => `'${p}'`);
    throw usageError(`Unexpected argument${extra.length === 1 ? '' : 's'} ${extra.join(' ')}.`, command);
  }
  return [...positionals];
}
