import { ErrorCode } from '../../protocol/error-codes.js';
import type { Struct } from '../../protocol/schema.js';
import type { RequestContext } from '../context.js';
import { advertisedApis } from '../supported-apis.js';

const SOFTWARE_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

/** ApiVersions: every API the listener speaks with its version range (v3+ checks the client's software name). */
export async function handleApiVersions(request: Struct, ctx: RequestContext): Promise<Struct> {
  if (ctx.version >= 3) {
    const name = request.clientSoftwareName as string;
    const version = request.clientSoftwareVersion as string;
    if (!SOFTWARE_NAME.test(name) || !SOFTWARE_NAME.test(version)) {
      return { errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [], throttleTimeMs: 0 };
    }
  }
  return {
    errorCode: ErrorCode.NONE,
    apiKeys: advertisedApis(ctx.broker.transactions.supported),
    throttleTimeMs: 0,
  };
}
