import { inspect } from 'node:util';

export const HIDDEN = '[hidden]';

/**
 * A secret value. It prints as `[hidden]` in every way a value usually escapes into logs
 * (string conversion, JSON, util.inspect), so only `reveal()` gives the text away.
 */
export class Password {
  readonly #secret: string;

  constructor(secret: string) {
    this.#secret = secret;
  }

  reveal(): string {
    return this.#secret;
  }

  toString(): string {
    return HIDDEN;
  }

  toJSON(): string {
    return HIDDEN;
  }

  [inspect.custom](): string {
    return HIDDEN;
  }
}
