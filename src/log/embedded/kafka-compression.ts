import { gunzipSync } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { decompressFrameSync as lz4DecompressFrame } from 'lz4-napi';
import { uncompressSync as snappyUncompress } from 'snappy';

/** Kafka's codec numbers (attributes bits 0-2) and names. */
export const KAFKA_CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** snappy-java's stream header, which Java producers write (librdkafka writes one raw block). */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

/**
 * Decompresses a stored Kafka batch's records section, synchronously because log reads are: gzip
 * (node:zlib), snappy (raw blocks and snappy-java's framing), lz4 (the LZ4 frame format), zstd.
 * `maxBytes` bounds the output, so a small batch cannot claim gigabytes. Throws an Error naming
 * the codec and what went wrong.
 */
export function decompressKafkaRecords(codec: number, payload: Buffer, maxBytes: number): Buffer {
  const name = KAFKA_CODEC_NAMES[codec] ?? `codec ${codec}`;
  let out: Buffer;
  try {
    switch (codec) {
      case 0:
        return payload;
      case 1:
        out = gunzipSync(payload, { maxOutputLength: maxBytes });
        break;
      case 2:
        out = snappy(payload, maxBytes);
        break;
      case 3:
        out = lz4DecompressFrame(payload);
        break;
      case 4:
        out = zstd(payload, maxBytes);
        break;
      default:
        throw new Error('not a Kafka compression codec (use none, gzip, snappy, lz4 or zstd)');
    }
  } catch (err) {
    throw new Error(`${name} records do not decompress: ${(err as Error).message}`);
  }
  if (out.length > maxBytes) throw new Error(`${name} records decompress to more than ${maxBytes} bytes`);
  return out;
}

function snappyBlock(block: Buffer, maxBytes: number): Buffer {
  // The block's varint preamble announces its uncompressed length: refuse before allocating it.
  let length = 0;
  for (let i = 0, shift = 1; i < 5 && i < block.length; i++, shift *= 128) {
    length += (block[i] & 0x7f) * shift;
    if ((block[i] & 0x80) === 0) break;
  }
  if (length > maxBytes) throw new Error(`a block claims ${length} bytes, more than ${maxBytes}`);
  return snappyUncompress(block, { asBuffer: true }) as Buffer;
}

function snappy(payload: Buffer, maxBytes: number): Buffer {
  if (payload.length < 16 || !payload.subarray(0, 8).equals(XERIAL_MAGIC))
    return snappyBlock(payload, maxBytes);
  // snappy-java framing: magic, int32 version, int32 compatible version, then [int32 length, raw block]…
  const blocks: Buffer[] = [];
  let total = 0;
  let p = 16;
  while (p < payload.length) {
    if (p + 4 > payload.length) throw new Error('a snappy-java block length is cut short');
    const length = payload.readInt32BE(p);
    if (length < 0 || p + 4 + length > payload.length)
      throw new Error(`a snappy-java block claims ${length} bytes`);
    const block = snappyBlock(payload.subarray(p + 4, p + 4 + length), maxBytes - total);
    blocks.push(block);
    total += block.length;
    p += 4 + length;
  }
  return Buffer.concat(blocks, total);
}

function zstd(payload: Buffer, maxBytes: number): Buffer {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = new ZstdDecompress((chunk) => {
    total += chunk.length;
    if (total > maxBytes) throw new Error(`more than ${maxBytes} bytes`);
    chunks.push(chunk);
  });
  stream.push(payload, true);
  return Buffer.concat(chunks, total);
}
