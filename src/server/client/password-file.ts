import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** What a user may do; see access-policy.ts. */
export type Role = 'admin' | 'developer' | 'reader';
export const ROLES: readonly Role[] = ['admin', 'developer', 'reader'];

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

/** scrypt's cost parameters, stored with each hash so they can be raised without breaking old lines. */
interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

const DEFAULT_COST: ScryptCost = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

export interface PasswordEntry {
  readonly user: string;
  readonly role: Role;
  readonly cost: ScryptCost;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

export class PasswordFileError extends Error {
  override readonly name = 'PasswordFileError';
}

const USER_NAME = /^[^\s:]+$/;

/** Checks a user name for the file: no whitespace and no colon, which separates the fields. */
export function userNameProblem(user: string): string | undefined {
  return USER_NAME.test(user) ? undefined : `User name '${user}' must be non-empty, without spaces or ':'.`;
}

/**
 * The password file: one user a line, `user:role:scrypt:N:r:p:salt:hash` (salt and hash in
 * base64), `#` comments. Written by `sluice passwd`; never holds a password in clear.
 */
export function parsePasswordFile(text: string, origin: string): Map<string, PasswordEntry> {
  const entries = new Map<string, PasswordEntry>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${origin} line ${i + 1}`;
    const fields = line.split(':');
    if (fields.length !== 8 || fields[2] !== 'scrypt') {
      throw new PasswordFileError(
        `${where} is not a password entry (user:role:scrypt:N:r:p:salt:hash); write entries with 'sluice passwd'.`,
      );
    }
    const [user, role, , n, r, p, salt, hash] = fields;
    if (!isRole(role)) {
      throw new PasswordFileError(`${where}: unknown role '${role}'; roles are ${ROLES.join(', ')}.`);
    }
    const cost = { N: Number(n), r: Number(r), p: Number(p) };
    if (![cost.N, cost.r, cost.p].every((v) => Number.isSafeInteger(v) && v > 0)) {
      throw new PasswordFileError(`${where}: the scrypt cost fields must be positive integers.`);
    }
    const entry = {
      user,
      role,
      cost,
      salt: Buffer.from(salt, 'base64'),
      hash: Buffer.from(hash, 'base64'),
    };
    if (entry.salt.length === 0 || entry.hash.length === 0) {
      throw new PasswordFileError(`${where}: the salt or hash is empty.`);
    }
    if (entries.has(user)) throw new PasswordFileError(`${where}: user '${user}' appears twice.`);
    entries.set(user, entry);
  }
  return entries;
}

function derive(password: string, salt: Buffer, cost: ScryptCost, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt runs on libuv's thread pool: the event loop keeps serving while it works.
    scrypt(password, salt, length, { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 }, (err, key) =>
      err === null ? resolve(key) : reject(err),
    );
  });
}

export async function verifyPassword(entry: PasswordEntry, password: string): Promise<boolean> {
  const key = await derive(password, entry.salt, entry.cost, entry.hash.length);
  return timingSafeEqual(key, entry.hash);
}

/** One line of the file for this user, with a fresh salt. */
export async function passwordLine(user: string, role: Role, password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(password, salt, DEFAULT_COST, KEY_LENGTH);
  const { N, r, p } = DEFAULT_COST;
  return [user, role, 'scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join(':');
}

/** The file's text with the user's line added or replaced; other lines and comments are kept. */
export function withUserLine(text: string, user: string, line: string | undefined): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const kept: string[] = [];
  let replaced = false;
  for (const l of lines) {
    if (l.trim().split(':')[0] === user && !l.trim().startsWith('#')) {
      if (line !== undefined && !replaced) kept.push(line);
      replaced = true;
    } else {
      kept.push(l);
    }
  }
  if (!replaced && line !== undefined) kept.push(line);
  return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
}
