/** JSON as Avro schemas are written. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A schema that cannot be used; the message says where and why. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

/** Removes `//` and `/* … *\/` comments outside strings: Avro's Java parser accepts them. */
export function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return out;
}

export function parseSchemaText(text: string): Json {
  try {
    return JSON.parse(stripJsonComments(text)) as Json;
  } catch (err) {
    throw new SchemaError(`not JSON: ${(err as Error).message}`);
  }
}
