/**
 * Writes text to a stream with backpressure, and notices when the reader went away (EPIPE, as in
 * `sluice topic consume … | head`) so a command can stop instead of crashing.
 */
export class OutputWriter {
  private readonly stream: NodeJS.WritableStream;
  private broken = false;
  private readonly onBroken: () => void;

  constructor(stream: NodeJS.WritableStream, onBroken: () => void) {
    this.stream = stream;
    this.onBroken = onBroken;
    stream.on('error', this.handleError);
  }

  // Any error on the output (usually EPIPE) means nothing more can be written: stop, do not crash.
  private readonly handleError = (): void => {
    if (this.broken) return;
    this.broken = true;
    this.onBroken();
  };

  get isBroken(): boolean {
    return this.broken;
  }

  async write(text: string): Promise<void> {
    if (this.broken || text.length === 0) return;
    if (this.stream.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }

  dispose(): void {
    // A broken stream may still report errors for writes in flight; keep swallowing those.
    if (!this.broken) this.stream.off('error', this.handleError);
  }
}
