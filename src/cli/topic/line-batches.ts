export interface LineBatchOptions {
  /** Most lines in one batch; a chunk with more is split. */
  readonly maxLines: number;
  /** Stops reading: the complete lines read so far are still yielded, a partial last line is dropped. */
  readonly signal?: AbortSignal;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Reads a byte stream in chunks and yields its lines (without "\n" or "\r\n") in batches, so a caller
 * can write one batch per chunk rather than one record per line. Lines stay raw bytes: input that is
 * not UTF-8 is passed through unchanged. A last line without a newline still counts at end of input.
 */
export async function* readLineBatches(
  input: AsyncIterable<Buffer | string>,
  options: LineBatchOptions,
): AsyncGenerator<Buffer[]> {
  let carry: Buffer | undefined;
  let batch: Buffer[] = [];
  try {
    for await (const piece of input) {
      // Input that arrives after the stop is not part of what the user sent before pressing Ctrl-C.
      if (options.signal?.aborted) return;
      const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
      const data = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
      let start = 0;
      for (let nl = data.indexOf(NEWLINE); nl >= 0; nl = data.indexOf(NEWLINE, start)) {
        batch.push(trimCarriageReturn(data.subarray(start, nl)));
        start = nl + 1;
        if (batch.length >= options.maxLines) {
          yield batch;
          batch = [];
        }
      }
      carry = start < data.length ? data.subarray(start) : undefined;
      // Yield at the end of every chunk so interactive input is written line by line.
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
  } catch (err) {
    // Stopping destroys the input, which ends the iteration with an error: that is not a failure.
    if (!options.signal?.aborted) throw err;
    return;
  }
  if (carry !== undefined && !options.signal?.aborted) yield [trimCarriageReturn(carry)];
}

function trimCarriageReturn(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, -1) : line;
}
