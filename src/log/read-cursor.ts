/**
 * One reader's place in one partition, kept by the log between that reader's reads so that a reader
 * going on where it stopped skips the index lookup (and, in the embedded log, the re-read and CRC
 * check of a batch it stopped inside). Readers that alternate on one partition each keep their own,
 * instead of undoing each other's. Create one per reader and partition and pass it in every
 * `ReadOptions` of that partition; a log that has no use for it ignores it.
 */
export class ReadCursor {
  /** The log's own state; nothing outside the log implementation reads it. */
  state: unknown = undefined;
}
