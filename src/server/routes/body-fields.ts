import type { SluiceError } from '../../errors/index.js';
import { badRestProxyRequest } from './rest-proxy-error.js';

/*
 * Field checks for REST Proxy bodies: a value of the wrong JSON type is the client's mistake (400,
 * naming the field and what it must be), never a 500 or a silently coerced value in the log.
 */

function invalid(field: string, must: string, value: unknown): SluiceError {
  return badRestProxyRequest(`${field} must be ${must}, got ${JSON.stringify(value) ?? 'nothing'}.`);
}

export function objectBody(body: unknown, example: string): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw badRestProxyRequest(`The request body must be a JSON object: ${example}.`);
  }
  return body as Record<string, unknown>;
}

export function stringField(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(field, 'a string', value);
  return value;
}

export function optionalString(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : stringField(value, field);
}

/** An integer ≥ `min`, within JavaScript's exact range (Kafka's offsets are longs). */
export function wholeNumberField(value: unknown, field: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalid(field, `a whole number ≥ ${min}`, value);
  }
  return value;
}

export function optionalWholeNumber(value: unknown, field: string, min = 0): number | undefined {
  return value === undefined || value === null ? undefined : wholeNumberField(value, field, min);
}

export function arrayField(value: unknown, field: string): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(field, 'an array', value);
  return value;
}

/** `{"name": …, "value": …}` entries, as REST Proxy's configs lists and headers are. */
export function nameValueList(value: unknown, field: string): { name: string; value: string | null }[] {
  return arrayField(value, field).map((entry, i) => {
    const e = objectBody(entry, `{"name": "…", "value": "…"}`);
    const v = e.value;
    if (
      v !== undefined &&
      v !== null &&
      typeof v !== 'string' &&
      typeof v !== 'number' &&
      typeof v !== 'boolean'
    ) {
      throw invalid(`${field}[${i}].value`, 'a string', v);
    }
    return {
      name: stringField(e.name, `${field}[${i}].name`),
      value: v === undefined || v === null ? null : String(v),
    };
  });
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard base64, refused when it is anything else (Node's decoder skips what it cannot read). */
export function base64Field(value: string, field: string): Buffer {
  if (!BASE64.test(value)) {
    throw badRestProxyRequest(
      `${field} is not base64: BINARY data and header values are standard base64 (A-Z, a-z, 0-9, +, /, = padding).`,
    );
  }
  return Buffer.from(value, 'base64');
}
