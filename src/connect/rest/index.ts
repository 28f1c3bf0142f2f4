// The Kafka Connect REST API, and the TLS its listener serves.

export { clientCertificateOptions, parseClientAuthentication } from './client-certificates.js';
export { buildConnectRestApp } from './connect-rest-app.js';
export { checkTlsMaterial, connectListenerTls, type ListenerTls } from './listener-tls.js';
