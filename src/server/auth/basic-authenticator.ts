import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import {
  type PasswordEntry,
  PasswordFileError,
  parsePasswordFile,
  type Role,
  verifyPassword,
} from '../client/index.js';
import { FailedLoginLimiter, type FailedLoginLimits } from './failed-login-limiter.js';

export interface Principal {
  readonly user: string;
  readonly role: Role;
}

/** What checking a request's credentials found. */
export type AuthenticationResult =
  | { readonly ok: true; readonly principal: Principal }
  | {
      readonly ok: false;
      readonly status: 401 | 403 | 429 | 500;
      readonly message: string;
      /** With 429: seconds until the client may try again (the Retry-After header). */
      readonly retryAfterSeconds?: number;
    };

export interface BasicAuthOptions {
  readonly passwordFile: string;
  /** Named in the WWW-Authenticate challenge. */
  readonly realm: string;
  /** authentication.roles: the roles admitted; `*` admits every role. */
  readonly allowedRoles: readonly string[];
  /** Failed logins admitted per client address and per user before a pause (default 10 a minute). */
  readonly failedLogins?: FailedLoginLimits;
}

export const DEFAULT_FAILED_LOGIN_LIMITS: FailedLoginLimits = { maxFailures: 10, windowMs: 60_000 };

/** Compared against when the user does not exist, so an unknown name costs as long as a known one. */
const DUMMY_ENTRY: PasswordEntry = {
  user: '',
  role: 'reader',
  cost: { N: 16384, r: 8, p: 1 },
  salt: Buffer.alloc(16),
  hash: Buffer.alloc(32),
};

const MAX_CACHED = 1000;

/**
 * HTTP basic authentication against the password file `sluice passwd` writes. The file is read
 * at start (a missing or broken one stops the start) and again whenever it changes, so users can
 * be added or removed without a restart; if it becomes unreadable, every request is refused.
 */
export class BasicAuthenticator {
  readonly realm: string;
  readonly #options: BasicAuthOptions;
  #users: Map<string, PasswordEntry>;
  #version: string;
  /** Credentials already verified (by digest), so each request does not cost a scrypt. */
  readonly #verified = new Map<string, Principal>();
  readonly #failures: FailedLoginLimiter;

  constructor(options: BasicAuthOptions) {
    this.#options = options;
    this.realm = options.realm === '' ? 'Sluice' : options.realm;
    this.#failures = new FailedLoginLimiter(options.failedLogins ?? DEFAULT_FAILED_LOGIN_LIMITS);
    this.#version = this.#fileVersion();
    this.#users = this.#read();
    if (this.#users.size === 0) {
      throw new PasswordFileError(
        `The password file ${options.passwordFile} has no users: add one with 'sluice passwd ${options.passwordFile} USER --role admin'.`,
      );
    }
  }

  /** The challenge header value for a 401. */
  get challenge(): string {
    return `Basic realm="${this.realm.replaceAll('"', "'")}"`;
  }

  /** Checks a request's credentials; `address` is the client's, for the failed-login limit. */
  async authenticate(authorization: string | undefined, address = ''): Promise<AuthenticationResult> {
    const credentials = parseBasic(authorization);
    if (credentials === undefined) {
      return {
        ok: false,
        status: 401,
        message:
          'Unauthorized: this server requires HTTP basic authentication. Send a user name and password (sluice cli -u USER, curl -u USER).',
      };
    }
    try {
      this.#reloadIfChanged();
    } catch (err) {
      return { ok: false, status: 500, message: `Cannot check credentials: ${(err as Error).message}` };
    }
    const digest = createHash('sha256').update(`${credentials.user}\0${credentials.password}`).digest('hex');
    let principal = this.#verified.get(digest);
    // Credentials already proven right pass a pause that others' guesses at the name caused;
    // a pause of the address holds for every request from it.
    const blocked = this.#failures.blocked(address, principal === undefined ? credentials.user : undefined);
    if (blocked !== undefined) {
      const seconds = Math.ceil(blocked.retryAfterMs / 1000);
      const { maxFailures, windowMs } = this.#failures.limits;
      return {
        ok: false,
        status: 429,
        retryAfterSeconds: seconds,
        message: `Too many failed logins ${blocked.what} (${maxFailures} within ${windowMs / 1000} s): try again in ${seconds} s. The limit is sluice.authentication.max.failed.logins.`,
      };
    }
    if (principal === undefined) {
      const entry = this.#users.get(credentials.user);
      const matches = await verifyPassword(entry ?? DUMMY_ENTRY, credentials.password);
      if (entry === undefined || !matches) {
        this.#failures.recordFailure(address, credentials.user);
        return { ok: false, status: 401, message: 'Unauthorized: wrong user name or password.' };
      }
      this.#failures.recordSuccess(entry.user);
      principal = { user: entry.user, role: entry.role };
      if (this.#verified.size >= MAX_CACHED) this.#verified.clear();
      this.#verified.set(digest, principal);
    }
    const allowed = this.#options.allowedRoles;
    if (!allowed.includes('*') && !allowed.includes(principal.role)) {
      return {
        ok: false,
        status: 403,
        message: `Forbidden: user '${principal.user}' has the ${principal.role} role, which authentication.roles (${allowed.join(', ')}) does not admit.`,
      };
    }
    return { ok: true, principal };
  }

  #fileVersion(): string {
    try {
      const s = statSync(this.#options.passwordFile);
      return `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch (err) {
      throw new PasswordFileError(
        `Cannot read the password file sluice.authentication.password.file=${this.#options.passwordFile}: ${(err as Error).message}`,
      );
    }
  }

  #read(): Map<string, PasswordEntry> {
    let text: string;
    try {
      text = readFileSync(this.#options.passwordFile, 'utf8');
    } catch (err) {
      throw new PasswordFileError(
        `Cannot read the password file sluice.authentication.password.file=${this.#options.passwordFile}: ${(err as Error).message}`,
      );
    }
    return parsePasswordFile(text, this.#options.passwordFile);
  }

  #reloadIfChanged(): void {
    const version = this.#fileVersion();
    if (version === this.#version) return;
    const users = this.#read();
    this.#users = users;
    this.#version = version;
    this.#verified.clear();
  }
}

function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
