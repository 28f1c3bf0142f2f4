import { ERROR_CATALOGUE, SluiceError } from '../../errors/index.js';

/** REST Proxy's error body; `code` names a log error, which Sluice's own client rebuilds. */
export interface RestProxyErrorBody {
  readonly error_code: number;
  readonly message: string;
  readonly code?: string;
}

/** The REST Proxy body of an error: a log error keeps its name as `code`. */
export function restProxyErrorBody(err: SluiceError): RestProxyErrorBody {
  const fromLog = ERROR_CATALOGUE[err.code].surface === 'log';
  return { error_code: err.errorCode, message: err.message, ...(fromLog ? { code: err.code } : {}) };
}

/** A REST Proxy request the client got wrong: 400, REST Proxy's 40002, naming the field. */
export function badRestProxyRequest(message: string): SluiceError {
  return new SluiceError('REST_PROXY_BAD_REQUEST', message);
}
