// Java Faker converts each quoted argument with the parameter type's String constructor; these do
// the same conversions up front, so a bad argument is reported when the config is validated.

export class DirectiveArgumentError extends Error {
  override readonly name = 'DirectiveArgumentError';
}

export function intArg(text: string): number {
  if (!/^[-+]?\d+$/.test(text.trim())) throw new DirectiveArgumentError(`'${text}' is not an integer`);
  return Number(text);
}

export function numberArg(text: string): number {
  const n = Number(text.trim());
  if (text.trim() === '' || Number.isNaN(n)) throw new DirectiveArgumentError(`'${text}' is not a number`);
  return n;
}

export function booleanArg(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t !== 'true' && t !== 'false') throw new DirectiveArgumentError(`'${text}' is not true or false`);
  return t === 'true';
}

/** java.util.Date(String) accepts the form Date.toString() prints, which JavaScript's parser reads too. */
export function dateArg(text: string): Date {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new DirectiveArgumentError(`'${text}' is not a date`);
  return new Date(ms);
}

const TIME_UNIT_MS: Readonly<Record<string, number>> = {
  NANOSECONDS: 1e-6,
  MICROSECONDS: 1e-3,
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

/** A java.util.concurrent.TimeUnit name (`DAYS` or `TimeUnit.DAYS`) as milliseconds. */
export function timeUnitArg(text: string): number {
  const name = text.trim().replace(/^.*\./, '');
  const ms = TIME_UNIT_MS[name];
  if (ms === undefined) {
    throw new DirectiveArgumentError(
      `'${text}' is not a TimeUnit (one of ${Object.keys(TIME_UNIT_MS).join(', ')})`,
    );
  }
  return ms;
}
