// The server's public surface: the REST API built from what the composition root (app/) gives it.
export { BasicAuthenticator } from './auth/basic-authenticator.js';
export { type CrossOriginPolicy, guardCrossOrigin } from './auth/cross-origin.js';
export { requireConnectAuthentication } from './auth/request-auth.js';
export { type TlsOptions, tlsMaterial, tlsServerOptions } from './dual-protocol-server.js';
export { buildRestApp, type RestAppOptions } from './rest-app.js';
