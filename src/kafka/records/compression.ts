import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { decompressFrame as lz4DecompressFrame } from 'lz4-napi';
import { uncompress as snappyUncompress } from 'snappy';
import { ByteReader } from '../protocol/byte-reader.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { BatchError, COMPRESSION_NAMES, Compression } from './record-batch.js';

const gunzipAsync = promisify(gunzip);

/** snappy-java's stream header, which Java producers write (librdkafka writes one raw block). */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

/**
 * Decompresses a produced batch's records section, for a log that cannot store Kafka batches as
 * received (the Kafka backend; fetches from the embedded log send the stored bytes). Only
 * decompression is needed: gzip from node:zlib, snappy (raw blocks and snappy-java's framing) and lz4
 * (the LZ4 frame format) from napi-rs bindings, zstd from a JavaScript decoder. `maxBytes` bounds
 * what one batch may decompress to, so a small batch cannot claim gigabytes.
 */
export async function decompress(codec: number, payload: Buffer, maxBytes: number): Promise<Buffer> {
  const name = COMPRESSION_NAMES[codec] ?? `codec ${codec}`;
  let out: Buffer;
  try {
    switch (codec) {
      case Compression.NONE:
        return payload;
      case Compression.GZIP:
        return await gunzipAsync(payload, { maxOutputLength: maxBytes });
      case Compression.SNAPPY:
        out = await snappy(payload, maxBytes);
        break;
      case Compression.LZ4:
        out = await lz4DecompressFrame(payload);
        break;
      case Compression.ZSTD:
        out = zstd(payload, maxBytes);
        break;
      default:
        throw new BatchError(
          ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
          `${name} is not a Kafka compression codec: use none, gzip, snappy, lz4 or zstd`,
        );
    }
  } catch (err) {
    if (err instanceof BatchError) throw err;
    throw new BatchError(
      ErrorCode.CORRUPT_MESSAGE,
      `${name} records do not decompress: ${(err as Error).message}`,
    );
  }
  if (out.length > maxBytes) {
    throw new BatchError(
      ErrorCode.MESSAGE_TOO_LARGE,
      `${name} records decompress to more than ${maxBytes} bytes`,
    );
  }
  return out;
}

/** The uncompressed length a raw snappy block announces in its varint preamble. */
function snappyLength(block: Buffer): number {
  return new ByteReader(block).unsignedVarint();
}

async function snappyBlock(block: Buffer, maxBytes: number): Promise<Buffer> {
  if (snappyLength(block) > maxBytes)
    throw new BatchError(
      ErrorCode.MESSAGE_TOO_LARGE,
      `snappy records decompress to more than ${maxBytes} bytes`,
    );
  return (await snappyUncompress(block, { asBuffer: true })) as Buffer;
}

async function snappy(payload: Buffer, maxBytes: number): Promise<Buffer> {
  if (payload.length < 16 || !payload.subarray(0, 8).equals(XERIAL_MAGIC))
    return snappyBlock(payload, maxBytes);
  // snappy-java framing: magic, int32 version, int32 compatible version, then [int32 length, raw block]…
  const blocks: Buffer[] = [];
  let total = 0;
  const r = new ByteReader(payload, 16);
  while (r.remaining > 0) {
    const block = await snappyBlock(r.bytesOf(r.int32(), 'snappy block'), maxBytes - total);
    blocks.push(block);
    total += block.length;
  }
  return Buffer.concat(blocks, total);
}

function zstd(payload: Buffer, maxBytes: number): Buffer {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = new ZstdDecompress((chunk) => {
    total += chunk.length;
    if (total > maxBytes)
      throw new BatchError(
        ErrorCode.MESSAGE_TOO_LARGE,
        `zstd records decompress to more than ${maxBytes} bytes`,
      );
    chunks.push(chunk);
  });
  stream.push(payload, true);
  return Buffer.concat(chunks, total);
}
