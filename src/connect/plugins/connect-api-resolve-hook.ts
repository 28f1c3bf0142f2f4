// A module-resolution hook (node:module register) that answers `sluice/connect-api` with the
// running worker's own api module, whatever copy of sluice a package has nearby.
import type { InitializeHook, ResolveHook } from 'node:module';

export interface ConnectApiHookData {
  readonly specifier: string;
  readonly apiUrl: string;
}

let data: ConnectApiHookData | undefined;

export const initialize: InitializeHook<ConnectApiHookData> = (given) => {
  data = given;
};

export const resolve: ResolveHook = (specifier, context, nextResolve) =>
  data !== undefined && specifier === data.specifier
    ? { url: data.apiUrl, format: 'module', shortCircuit: true }
    : nextResolve(specifier, context);
