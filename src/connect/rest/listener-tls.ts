import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import {
  type ClientCertificateOptions,
  clientCertificateOptions,
  parseClientAuthentication,
} from './client-certificates.js';

/**
 * The key and certificate an https:// Connect listener serves, ready for node:https, and the client
 * certificates it asks for (`ssl.client.auth`), if any.
 */
export type ListenerTls = (
  | { pfx: Buffer; passphrase?: string }
  | { key: Buffer; cert: Buffer; passphrase?: string }
) & { clientCertificates?: ClientCertificateOptions };

/**
 * The TLS material of an https:// Connect listener, from Kafka Connect's worker properties
 * (`listeners.https.ssl.*`, else `ssl.*`): a PKCS12 keystore or a PEM file with key and certificate.
 * Undefined for an http:// listener. Throws a message naming the property when the material is
 * missing, unreadable, or does not open with its password, so a worker never starts half-way.
 */
export function connectListenerTls(props: Readonly<Record<string, string>>): ListenerTls | undefined {
  const listener = (props.listeners ?? '').split(',')[0].trim();
  if (!/^https:/i.test(listener)) return undefined;
  const setting = (name: string): [string, string | undefined] => {
    const scoped = `listeners.https.${name}`;
    return props[scoped] !== undefined ? [scoped, props[scoped]] : [name, props[name]];
  };
  const [locationKey, location] = setting('ssl.keystore.location');
  const [, inlineKey] = setting('ssl.keystore.key');
  const [chainKey, inlineChain] = setting('ssl.keystore.certificate.chain');
  const clientCertificates = () => {
    const [authKey, auth] = setting('ssl.client.auth');
    const [truststoreKey, truststore] = setting('ssl.truststore.location');
    const [typeKey, truststoreType] = setting('ssl.truststore.type');
    const [certificatesKey, certificates] = setting('ssl.truststore.certificates');
    return clientCertificateOptions({
      clientAuthentication: parseClientAuthentication(auth, authKey),
      clientAuthenticationSetting: authKey,
      location: truststore,
      locationSetting: truststoreKey,
      type: truststoreType,
      typeSetting: typeKey,
      certificates,
      certificatesSetting: certificatesKey,
    });
  };
  if (inlineKey !== undefined && inlineKey !== '') {
    // Kafka's PEM in the config itself (KIP-651): the key and its chain as text.
    if (inlineChain === undefined || inlineChain === '')
      throw new Error(
        `ssl.keystore.key is set for the Connect listener ${listener} but ${chainKey} is not: give the certificate chain in PEM.`,
      );
    const [, keyPassword] = setting('ssl.key.password');
    const material: ListenerTls = {
      key: Buffer.from(inlineKey),
      cert: Buffer.from(inlineChain),
      ...(keyPassword === undefined ? {} : { passphrase: keyPassword }),
    };
    checkTlsMaterial(material, "the Connect listener's ssl.keystore.key and ssl.keystore.certificate.chain");
    const client = clientCertificates();
    return client === undefined ? material : { ...material, clientCertificates: client };
  }
  if (location === undefined || location === '') {
    throw new Error(
      `The Connect listener ${listener} is https:// but no keystore is set: set ssl.keystore.location and ssl.keystore.password (KSQL_CONNECT_SSL_KEYSTORE_LOCATION for the embedded worker).`,
    );
  }
  const [, type = 'PKCS12'] = setting('ssl.keystore.type');
  const [, storePassword] = setting('ssl.keystore.password');
  const [, keyPassword] = setting('ssl.key.password');
  const passphrase = keyPassword ?? storePassword;
  let bytes: Buffer;
  try {
    bytes = readFileSync(location);
  } catch (err) {
    throw new Error(`Cannot read the Connect keystore ${locationKey}=${location}: ${(err as Error).message}`);
  }
  const upper = type.toUpperCase();
  if (upper !== 'PKCS12' && upper !== 'PEM') {
    throw new Error(
      `ssl.keystore.type=${type} is not supported for the Connect listener: use PKCS12 or PEM.`,
    );
  }
  const material: ListenerTls =
    upper === 'PEM'
      ? { key: bytes, cert: bytes, ...(passphrase === undefined ? {} : { passphrase }) }
      : { pfx: bytes, ...(passphrase === undefined ? {} : { passphrase }) };
  checkTlsMaterial(material, `the Connect keystore ${locationKey}=${location}`);
  const client = clientCertificates();
  return client === undefined ? material : { ...material, clientCertificates: client };
}

/** Opens the key material once, so a wrong password or a broken file stops the start with a clear message. */
export function checkTlsMaterial(material: object, what: string): void {
  try {
    createSecureContext(material);
  } catch (err) {
    const message = (err as Error).message;
    const hint = /mac verify|bad decrypt|passphrase|decrypt/i.test(message)
      ? 'the password is wrong (ssl.keystore.password / ssl.key.password)'
      : message;
    throw new Error(`Cannot open ${what}: ${hint}.`);
  }
}
