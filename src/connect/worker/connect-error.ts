/** An error the Connect REST API answers with its HTTP status and Kafka Connect's message. */
export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export const notFound = (name: string) => new ConnectError(404, `Connector ${name} not found`);
