import { ByteReader } from '../protocol/byte-reader.js';
import { ByteWriter } from '../protocol/byte-writer.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { MalformedRequestError } from '../protocol/malformed.js';
import { API_VERSIONS, type ApiSchema, PRODUCE, PRODUCE_MIN_DECODED } from '../protocol/messages.js';
import { decodeStruct, encodeStruct, type Struct } from '../protocol/schema.js';
import { SUPPORTED_APIS, type SupportedApi } from './supported-apis.js';

export interface RequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
}

export type DecodedRequest =
  | {
      readonly kind: 'request';
      readonly header: RequestHeader;
      readonly api: SupportedApi;
      readonly body: Struct;
    }
  /** ApiVersions above our range: answered in v0 layout so the client can retry at a version we have. */
  | { readonly kind: 'api-versions-too-new'; readonly header: RequestHeader };

export function apiName(key: number): string {
  return SUPPORTED_APIS.get(key)?.schema.name ?? `API key ${key}`;
}

/**
 * Decodes one request frame (the bytes after its int32 size): header v1, or v2 for flexible versions
 * (client_id keeps its int16 length even there), then the body at the header's version. Throws
 * MalformedRequestError for anything a Kafka broker would close the connection over.
 */
export function decodeRequestFrame(frame: Buffer): DecodedRequest {
  const r = new ByteReader(frame);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.string(false);
  const header: RequestHeader = { apiKey, apiVersion, correlationId, clientId };
  const api = SUPPORTED_APIS.get(apiKey);
  if (api === undefined)
    throw new MalformedRequestError(`${apiName(apiKey)} is not supported by this listener`);
  const { schema } = api;
  if (apiVersion < schema.minVersion || apiVersion > schema.maxVersion) {
    if (apiKey === API_VERSIONS.key && apiVersion > schema.maxVersion)
      return { kind: 'api-versions-too-new', header };
    throw new MalformedRequestError(
      `${schema.name} v${apiVersion} is not supported (this listener speaks v${schema.minVersion} to v${schema.maxVersion})`,
    );
  }
  if (apiKey === PRODUCE.key && apiVersion < PRODUCE_MIN_DECODED) {
    throw new MalformedRequestError(
      `Produce v${apiVersion} (message format v0/v1) is not supported: use a client that sends record batch v2 (Kafka 0.11+)`,
    );
  }
  const flexible = apiVersion >= schema.flexibleFrom;
  if (flexible) decodeStruct(r, [], apiVersion, true); // the header's tagged fields
  const body = decodeStruct(r, schema.request, apiVersion, flexible);
  return { kind: 'request', header, api, body };
}

/** Encodes a whole response frame: int32 size, response header (v1 for flexible versions but never for ApiVersions), body. */
export function encodeResponseFrame(
  schema: ApiSchema,
  version: number,
  correlationId: number,
  body: Struct,
): Buffer {
  const pieces = encodeResponsePieces(schema, version, correlationId, body);
  return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
}

/**
 * A response frame as pieces for one writev: a fetch's record batches are sent from where the log
 * read them, not copied into the frame.
 */
export function encodeResponsePieces(
  schema: ApiSchema,
  version: number,
  correlationId: number,
  body: Struct,
): Buffer[] {
  const w = new ByteWriter(256);
  const sizeAt = w.reserveInt32();
  w.int32(correlationId);
  const flexible = version >= schema.flexibleFrom;
  if (flexible && schema.key !== API_VERSIONS.key) w.unsignedVarint(0);
  encodeStruct(w, schema.response, version, flexible, body);
  w.patchInt32(sizeAt, w.size - 4);
  return w.pieces();
}

/** The answer to an ApiVersions request newer than ours: v0 layout, UNSUPPORTED_VERSION, our ApiVersions range. */
export function apiVersionsTooNewFrame(correlationId: number): Buffer {
  return encodeResponseFrame(API_VERSIONS, 0, correlationId, {
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: [
      { apiKey: API_VERSIONS.key, minVersion: API_VERSIONS.minVersion, maxVersion: API_VERSIONS.maxVersion },
    ],
  });
}
