/**
 * Lets the event loop run everything that is ready (HTTP requests, signals, timers, other tasks)
 * before the caller goes on. Task loops call it between batches: the log appends synchronously,
 * so a source that always has records would otherwise run on promises alone and never let a
 * request, a SIGTERM or another task in.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
