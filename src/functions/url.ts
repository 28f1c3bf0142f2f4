import { FunctionInvocationError, param, type ScalarFunction } from './function-declaration.js';
import { INTEGER_P, STRING_P } from './type-pattern.js';

/**
 * ksqlDB's URL_* functions read their input with java.net.URI (RFC 2396): the parts below are the
 * ones URI reports, decoded as URI's getters decode them, and text URI rejects is an error.
 */
interface UriParts {
  readonly scheme: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly rawPath: string | null;
  readonly rawQuery: string | null;
  readonly rawFragment: string | null;
}

// Characters java.net.URI accepts unescaped anywhere: unreserved, reserved, '%' (checked as escapes)
// and any non-ASCII character that is neither a control nor a space.
const LEGAL =
  /^(?:[A-Za-z0-9\-_.!~*'();/?:@&=+$,[\]]|%[0-9A-Fa-f]{2}|[^\u0000-\u00a0\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])*$/u;
const SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const HOSTNAME = new RegExp(`^(?:${LABEL}\\.)*${LABEL}\\.?$`);
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function invalid(functionName: string, url: string): FunctionInvocationError {
  return new FunctionInvocationError(functionName, `URL input has invalid syntax: ${url}`);
}

export function parseUri(functionName: string, url: string): UriParts {
  const hash = url.indexOf('#');
  const body = hash < 0 ? url : url.slice(0, hash);
  const rawFragment = hash < 0 ? null : url.slice(hash + 1);
  if (url === '' || !LEGAL.test(body) || (rawFragment !== null && !LEGAL.test(rawFragment)))
    throw invalid(functionName, url);
  let rest = body;
  let scheme: string | null = null;
  const colon = body.search(/[:/?]/);
  if (colon > 0 && body[colon] === ':') {
    scheme = body.slice(0, colon);
    if (!SCHEME.test(scheme)) throw invalid(functionName, url);
    rest = body.slice(colon + 1);
    if (rest === '') throw invalid(functionName, url);
    // An opaque URI (mailto:x) has no host, path or query.
    if (!rest.startsWith('/'))
      return { scheme, host: null, port: null, rawPath: null, rawQuery: null, rawFragment };
  } else if (colon === 0 && body[0] === ':') {
    throw invalid(functionName, url);
  }
  const question = rest.indexOf('?');
  const rawQuery = question < 0 ? null : rest.slice(question + 1);
  let hierarchy = question < 0 ? rest : rest.slice(0, question);
  let host: string | null = null;
  let port: number | null = null;
  if (hierarchy.startsWith('//')) {
    const end = hierarchy.indexOf('/', 2);
    const authority = hierarchy.slice(2, end < 0 ? undefined : end);
    hierarchy = end < 0 ? '' : hierarchy.slice(end);
    ({ host, port } = serverAuthority(authority));
  }
  return { scheme, host, port, rawPath: hierarchy, rawQuery, rawFragment };
}

/** `[user@]host[:port]`; an authority that is not one (a registry name) has neither host nor port. */
function serverAuthority(authority: string): { host: string | null; port: number | null } {
  const at = authority.lastIndexOf('@');
  const hostPort = at < 0 ? authority : authority.slice(at + 1);
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:]*)(?::(\d*))?$/.exec(hostPort);
  if (match === null) return { host: null, port: null };
  const host = match[1];
  if (!host.startsWith('[') && !HOSTNAME.test(host) && !IPV4.test(host)) return { host: null, port: null };
  const port = match[2] === undefined || match[2] === '' ? null : Number(match[2]);
  return { host, port };
}

/** Decodes %XX escapes as UTF-8, as URI's getters do ('+' stays '+'). */
export function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) =>
    Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'),
  );
}

/** java.net.URLDecoder: '+' is a space, %XX runs are UTF-8; a malformed escape is an error. */
function formDecode(text: string): string {
  const bad = /%(?![0-9A-Fa-f]{2})/.exec(text);
  if (bad !== null) {
    throw new FunctionInvocationError(
      'URL_DECODE_PARAM',
      bad.index + 3 > text.length
        ? 'URLDecoder: Incomplete trailing escape (%) pattern'
        : 'URLDecoder: Illegal hex characters in escape (%) pattern',
    );
  }
  return percentDecode(text.replace(/\+/g, ' '));
}

/** Guava's form-parameter escaper: letters, digits and -_.* stay, space is '+', the rest %XX of UTF-8. */
function formEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    if (/^[A-Za-z0-9\-_.*]$/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else
      for (const byte of Buffer.from(ch, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function extractParameter(url: string, name: string): string | null {
  const raw = parseUri('URL_EXTRACT_PARAMETER', url).rawQuery;
  if (raw === null) return null;
  for (const pair of percentDecode(raw).split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0 && pair === name) return '';
    if (eq >= 0 && pair.slice(0, eq) === name) return pair.slice(eq + 1);
  }
  return null;
}

/** A one-argument URL function: NULL in, NULL out. */
function urlPart(
  name: string,
  description: string,
  extract: (parts: UriParts) => string | number | null,
  returns = STRING_P,
): ScalarFunction {
  return {
    name,
    category: 'URL',
    description,
    overloads: [
      {
        params: [param('input', STRING_P, 'a valid URL')],
        returns,
        invoke: (a) => (a[0] === null ? null : extract(parseUri(name, a[0] as string))),
      },
    ],
  };
}

const decoded = (raw: string | null) => (raw === null ? null : percentDecode(raw));

export const urlFunctions: readonly ScalarFunction[] = [
  {
    name: 'URL_DECODE_PARAM',
    category: 'URL',
    description: 'Decodes a previously encoded application/x-www-form-urlencoded String.',
    overloads: [
      {
        params: [param('input', STRING_P, 'the value to decode')],
        returns: STRING_P,
        invoke: (a) => (a[0] === null ? null : formDecode(a[0] as string)),
      },
    ],
  },
  {
    name: 'URL_ENCODE_PARAM',
    category: 'URL',
    description:
      'Returns a version of the input with all URL sensitive characters encoded using the application/x-www-form-urlencoded standard.',
    overloads: [
      {
        params: [param('input', STRING_P, 'the value to encode')],
        returns: STRING_P,
        invoke: (a) => (a[0] === null ? null : formEncode(a[0] as string)),
      },
    ],
  },
  urlPart('URL_EXTRACT_FRAGMENT', 'Extracts the decoded fragment of a URL, or NULL if it has none.', (p) =>
    decoded(p.rawFragment),
  ),
  urlPart('URL_EXTRACT_HOST', 'Extracts the host of a URL, or NULL if it has none.', (p) => p.host),
  {
    name: 'URL_EXTRACT_PARAMETER',
    category: 'URL',
    description:
      "Extracts the decoded value of the named query parameter of a URL: '' when it has no value, NULL when it is absent.",
    overloads: [
      {
        params: [
          param('input', STRING_P, 'a valid URL'),
          param('paramToFind', STRING_P, 'the parameter key'),
        ],
        returns: STRING_P,
        invoke: (a) => (a[0] === null ? null : extractParameter(a[0] as string, a[1] as string)),
      },
    ],
  },
  urlPart('URL_EXTRACT_PATH', "Extracts the decoded path of a URL ('' when empty).", (p) =>
    decoded(p.rawPath),
  ),
  urlPart(
    'URL_EXTRACT_PORT',
    'Extracts the port of a URL, or NULL if it has no explicit port.',
    (p) => p.port,
    INTEGER_P,
  ),
  urlPart(
    'URL_EXTRACT_PROTOCOL',
    'Extracts the protocol (scheme) of a URL, or NULL if it has none.',
    (p) => p.scheme,
  ),
  urlPart('URL_EXTRACT_QUERY', 'Extracts the decoded query string of a URL, or NULL if it has none.', (p) =>
    decoded(p.rawQuery),
  ),
];
