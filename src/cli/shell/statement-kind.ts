import { stripComments } from './statement-splitter.js';

/**
 * What the shell does with a statement. As ksqlDB's CLI does, SET/UNSET/DEFINE/UNDEFINE and
 * SHOW VARIABLES stay in the shell (they shape every later request), queries and PRINT stream from
 * /query-stream, and everything else goes to /ksql.
 */
export type ShellStatement =
  | { readonly kind: 'query'; readonly text: string; readonly limit: number | undefined }
  | { readonly kind: 'print'; readonly text: string }
  | { readonly kind: 'setProperty'; readonly name: string; readonly value: string }
  | { readonly kind: 'unsetProperty'; readonly name: string }
  | { readonly kind: 'defineVariable'; readonly name: string; readonly value: string }
  | { readonly kind: 'undefineVariable'; readonly name: string }
  | { readonly kind: 'listVariables'; readonly text: string }
  | { readonly kind: 'server'; readonly text: string };

const STRING = "'((?:[^']|'')*)'";
const SET = new RegExp(`^SET\\s+${STRING}\\s*=\\s*${STRING}\\s*;$`, 'is');
const UNSET = new RegExp(`^UNSET\\s+${STRING}\\s*;$`, 'is');
const DEFINE = new RegExp(`^DEFINE\\s+([A-Za-z_][A-Za-z0-9_@]*)\\s*=\\s*${STRING}\\s*;$`, 'is');
const UNDEFINE = /^UNDEFINE\s+([A-Za-z_][A-Za-z0-9_@]*)\s*;$/is;
const LIST_VARIABLES = /^(?:SHOW|LIST)\s+VARIABLES\s*;$/is;
const TRAILING_LIMIT = /\bLIMIT\s+(\d+)\s*;$/i;

function unquote(s: string): string {
  return s.replaceAll("''", "'");
}

/** Classifies one complete statement (as `splitStatements` returns it). */
export function classifyStatement(text: string): ShellStatement {
  const code = stripComments(text).trim();
  const firstWord = /^[A-Za-z]+/.exec(code)?.[0].toUpperCase();
  if (firstWord === 'SELECT') {
    const limit = TRAILING_LIMIT.exec(code)?.[1];
    return { kind: 'query', text, limit: limit === undefined ? undefined : Number(limit) };
  }
  if (firstWord === 'PRINT') return { kind: 'print', text };
  let m = SET.exec(code);
  if (m !== null) return { kind: 'setProperty', name: unquote(m[1]), value: unquote(m[2]) };
  m = UNSET.exec(code);
  if (m !== null) return { kind: 'unsetProperty', name: unquote(m[1]) };
  m = DEFINE.exec(code);
  if (m !== null) return { kind: 'defineVariable', name: m[1], value: unquote(m[2]) };
  m = UNDEFINE.exec(code);
  if (m !== null) return { kind: 'undefineVariable', name: m[1] };
  if (LIST_VARIABLES.test(code)) return { kind: 'listVariables', text };
  return { kind: 'server', text };
}
