import { type ErrorCode, SluiceError } from '../../errors/index.js';

const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'CONNECT_BAD_REQUEST',
  404: 'CONNECT_NOT_FOUND',
  409: 'CONNECT_CONFLICT',
};

/**
 * An error the Connect REST API answers with its HTTP status (Kafka Connect's error_code) and
 * Kafka Connect's message.
 */
export class ConnectError extends SluiceError {
  override readonly name = 'ConnectError';
  readonly status: number;
  constructor(status: number, message: string) {
    const code = CODE_OF_STATUS[status];
    super(code ?? 'CONNECT_SERVER_ERROR', message, code === undefined ? { errorCode: status } : {});
    this.status = status;
  }
}

export const notFound = (name: string) => new ConnectError(404, `Connector ${name} not found`);

/**
 * A request this worker does not serve in distributed mode: the leader (or the worker that runs the
 * work) does, at `url` (undefined while no leader is known). The REST API forwards it there.
 */
export class ForwardRequest extends Error {
  override readonly name = 'ForwardRequest';
  readonly url: string | undefined;
  constructor(url: string | undefined) {
    super(url === undefined ? 'no known leader' : `served by the leader at ${url}`);
    this.url = url;
  }
}
