/** Aborts on the first SIGINT or SIGTERM so a long-running command can stop cleanly. */
export interface StopSignals {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function watchStopSignals(): StopSignals {
  const controller = new AbortController();
  const onSignal = () => {
    // A second Ctrl-C means "now": do not make the user wait for a clean stop.
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
