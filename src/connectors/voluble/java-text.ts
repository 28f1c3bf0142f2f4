// Java Faker's results are Java objects turned to text with toString(); these reproduce the forms
// Voluble users see (dates as java.util.Date prints them, doubles with a decimal point).

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number) => String(n).padStart(2, '0');

/** `EEE MMM dd HH:mm:ss zzz yyyy`, in UTC (the server's zone is not the user's). */
export function javaDateString(date: Date): string {
  return (
    `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`
  );
}

export function javaDoubleString(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

/** Java's `List.toString()`. */
export function javaListString(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
}

/** How a directive's result becomes the record's text. */
export function javaString(result: unknown): string {
  if (result instanceof Date) return javaDateString(result);
  if (Array.isArray(result)) return javaListString(result.map(javaString));
  return String(result);
}
