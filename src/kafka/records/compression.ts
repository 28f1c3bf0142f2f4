import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { ErrorCode } from '../protocol/error-codes.js';
import { BatchError, COMPRESSION_NAMES, Compression } from './record-batch.js';

const gunzipAsync = promisify(gunzip);

/**
 * Decompresses a produced batch's records section. Fetches re-encode records uncompressed, so only
 * decompression is needed. gzip comes from node:zlib; other codecs are refused with
 * UNSUPPORTED_COMPRESSION_TYPE naming the codec, so the producer's error says what to change.
 */
export async function decompress(codec: number, payload: Buffer, maxBytes: number): Promise<Buffer> {
  switch (codec) {
    case Compression.NONE:
      return payload;
    case Compression.GZIP:
      try {
        return await gunzipAsync(payload, { maxOutputLength: maxBytes });
      } catch (err) {
        throw new BatchError(
          ErrorCode.CORRUPT_MESSAGE,
          `gzip records do not decompress: ${(err as Error).message}`,
        );
      }
    default:
      throw new BatchError(
        ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
        `compression.type=${COMPRESSION_NAMES[codec] ?? `codec ${codec}`} is not supported by Sluice's Kafka listener yet: use gzip or none`,
      );
  }
}
