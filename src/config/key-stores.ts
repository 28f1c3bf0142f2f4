// Truststores and keystores named by ssl.truststore.* / ssl.keystore.* settings (Kafka's names, under
// whatever prefix: ksql.schema.registry.ssl.*, ksql.connect.ssl.*, a converter's schema.registry.ssl.*),
// in the three formats Java clients use: JKS, PKCS12 and PEM, turned into what node:tls takes.
// One loader for every client, so each takes the stores ksqlDB users already have.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import forge from 'node-forge';
import {
  certificatesToPem,
  JavaKeyStoreError,
  JCEKS_MAGIC,
  JKS_MAGIC,
  readJavaKeyStore,
  unprotectJksKey,
} from './java-key-store.js';

/** A store that cannot be used; the message names the setting to change. */
export class KeyStoreError extends Error {
  override readonly name = 'KeyStoreError';
}

type StoreFormat = 'JKS' | 'PKCS12' | 'PEM';
const FORMATS: readonly StoreFormat[] = ['JKS', 'PKCS12', 'PEM'];

export interface TrustStoreSettings {
  readonly location: string;
  readonly type?: string | undefined;
  readonly password?: string | undefined;
  /** The settings' names as the user wrote them (with their prefix), for messages. */
  readonly names: { readonly location: string; readonly type: string; readonly password: string };
}

export interface KeyStoreSettings {
  readonly location: string;
  readonly type?: string | undefined;
  readonly password?: string | undefined;
  /** ssl.key.password: the private key's own password (JKS, encrypted PEM); defaults to the store's. */
  readonly keyPassword?: string | undefined;
  readonly names: {
    readonly location: string;
    readonly type: string;
    readonly password: string;
    readonly keyPassword: string;
  };
}

/** A client's key and certificate chain as node:tls takes them. */
export type KeyMaterial =
  | { readonly pfx: Buffer; readonly passphrase?: string }
  | { readonly key: Buffer; readonly cert: Buffer; readonly passphrase?: string };

/** The CA certificates of a truststore as PEM text. */
export function readTrustStore(settings: TrustStoreSettings): Buffer {
  const { names } = settings;
  const bytes = readStoreFile(settings.location, names.location, 'truststore');
  const format = storeFormat(bytes, settings.type, settings.location, names);
  if (format === 'PEM') {
    if (!bytes.includes('-----BEGIN CERTIFICATE-----'))
      throw new KeyStoreError(
        `The truststore ${names.location}=${settings.location} holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA certificates as PEM, or a JKS or PKCS12 truststore.`,
      );
    return bytes;
  }
  const certificates =
    format === 'JKS'
      ? openJks(bytes, settings.password, settings.location, names).flatMap((e) =>
          // Java trusts the trusted-certificate entries and the own certificate of each key entry.
          e.certificates.slice(0, 1),
        )
      : pkcs12Certificates(bytes, settings.password, settings.location, names);
  if (certificates.length === 0)
    throw new KeyStoreError(
      `The truststore ${names.location}=${settings.location} holds no certificate: import the CA certificates (keytool -importcert).`,
    );
  return Buffer.from(certificatesToPem(certificates));
}

/** A client certificate and its key from a keystore: PKCS12 as is, JKS opened here, PEM as is. */
export function readKeyStore(settings: KeyStoreSettings): KeyMaterial {
  const { names } = settings;
  const bytes = readStoreFile(settings.location, names.location, 'keystore');
  const format = storeFormat(bytes, settings.type, settings.location, names);
  if (format === 'PEM') {
    const passphrase = settings.keyPassword ?? settings.password;
    return { key: bytes, cert: bytes, ...(passphrase === undefined ? {} : { passphrase }) };
  }
  if (format === 'PKCS12') {
    // OpenSSL opens PKCS12 itself (including Java 17's PBES2/AES-256 default); check the password now
    // so that a wrong one stops the start with the setting's name instead of failing each request.
    const material = {
      pfx: bytes,
      ...(settings.password === undefined ? {} : { passphrase: settings.password }),
    };
    try {
      createSecureContext(material);
    } catch (err) {
      const message = (err as Error).message;
      // Java 8's keytool (and Java 17's with keystore.pkcs12.legacy) protects certificates with
      // RC2-40, which OpenSSL 3 reads only with its legacy provider: open those stores here instead.
      if (/unsupported/i.test(message))
        return legacyPkcs12Key(bytes, settings.password, settings.location, names);
      throw new KeyStoreError(
        /mac verify|password/i.test(message)
          ? `The keystore ${names.location}=${settings.location} does not open with ${names.password}: ${settings.password === undefined ? 'set it to the store password' : 'the password is wrong'} (${message}).`
          : `The keystore ${names.location}=${settings.location} holds no usable key and certificate: ${message}.`,
      );
    }
    return material;
  }
  const entries = openJks(bytes, settings.password, settings.location, names);
  const keyEntry = entries.find((e) => e.protectedKey !== undefined);
  if (keyEntry?.protectedKey === undefined)
    throw new KeyStoreError(
      `The keystore ${names.location}=${settings.location} holds no private key entry, only trusted certificates: a keystore needs the client's key and certificate (keytool -genkeypair, or -importkeystore from PKCS12).`,
    );
  const keyPassword = settings.keyPassword ?? settings.password;
  if (keyPassword === undefined)
    throw new KeyStoreError(
      `The keystore ${names.location}=${settings.location} is a JKS store: set ${names.keyPassword} (or ${names.password}) to open its private key.`,
    );
  let key: string;
  try {
    key = unprotectJksKey(keyEntry.protectedKey, keyPassword);
  } catch (err) {
    const which = settings.keyPassword === undefined ? names.password : names.keyPassword;
    throw new KeyStoreError(
      `The private key '${keyEntry.alias}' in ${names.location}=${settings.location} does not open with ${which}: ${(err as Error).message}.`,
    );
  }
  return { key: Buffer.from(key), cert: Buffer.from(certificatesToPem(keyEntry.certificates)) };
}

function readStoreFile(location: string, setting: string, what: string): Buffer {
  try {
    return readFileSync(location);
  } catch (err) {
    throw new KeyStoreError(`Cannot read the ${what} ${setting}=${location}: ${(err as Error).message}`);
  }
}

/**
 * The format the file is in, checked against the type setting. As in Java 17 (keystore.type.compat),
 * a JKS type reads a PKCS12 file and the other way round; PEM against a binary store, or a binary type
 * against PEM text, is refused with the type to set.
 */
function storeFormat(
  bytes: Buffer,
  type: string | undefined,
  location: string,
  names: { readonly location: string; readonly type: string },
): StoreFormat {
  const wanted = type?.trim().toUpperCase() || undefined;
  if (wanted !== undefined && !(FORMATS as readonly string[]).includes(wanted))
    throw new KeyStoreError(
      `${names.type}=${type} is not supported: give JKS, PKCS12 or PEM${wanted === 'JCEKS' ? ' (convert a JCEKS store with keytool -importkeystore -deststoretype PKCS12)' : ''}.`,
    );
  const magic = bytes.length >= 4 ? bytes.readUInt32BE(0) : 0;
  if (magic === JCEKS_MAGIC)
    throw new KeyStoreError(
      `${names.location}=${location} is a JCEKS store, which is not read: convert it with keytool -importkeystore -srckeystore ${location} -srcstoretype JCEKS -destkeystore store.p12 -deststoretype PKCS12.`,
    );
  const found: StoreFormat = magic === JKS_MAGIC ? 'JKS' : bytes.includes('-----BEGIN') ? 'PEM' : 'PKCS12';
  if (wanted === 'PEM' && found !== 'PEM')
    throw new KeyStoreError(
      `${names.type}=PEM but ${names.location}=${location} is not PEM text (it looks like a ${found} store): set ${names.type}=${found}.`,
    );
  if (wanted !== undefined && wanted !== 'PEM' && found === 'PEM')
    throw new KeyStoreError(
      `${names.type}=${wanted} but ${names.location}=${location} is PEM text: set ${names.type}=PEM.`,
    );
  return found;
}

function openJks(
  bytes: Buffer,
  password: string | undefined,
  location: string,
  names: { readonly location: string; readonly password: string },
) {
  try {
    return readJavaKeyStore(bytes, password);
  } catch (err) {
    if (err instanceof JavaKeyStoreError && err.reason === 'password')
      throw new KeyStoreError(
        `The JKS store ${names.location}=${location} does not open with ${names.password}: ${err.message}. Give the password the store was made with.`,
      );
    throw new KeyStoreError(
      `${names.location}=${location} cannot be read as JKS: ${(err as Error).message}.`,
    );
  }
}

/** Every certificate in a PKCS12 file (DER), its MAC checked with the password. */
function pkcs12Certificates(
  bytes: Buffer,
  password: string | undefined,
  location: string,
  names: { readonly location: string; readonly password: string },
): Buffer[] {
  return pkcs12CertificatesOf(openPkcs12(bytes, password, location, names));
}

/** A PKCS12 file opened with forge (PBES2/AES as Java 17 writes it, or the legacy RC2 and 3DES). */
function openPkcs12(
  bytes: Buffer,
  password: string | undefined,
  location: string,
  names: { readonly location: string; readonly password: string },
): forge.pkcs12.Pkcs12Pfx {
  try {
    const asn1 = forge.asn1.fromDer(bytes.toString('binary'));
    return forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? '');
  } catch (err) {
    const message = (err as Error).message;
    if (/MAC could not be verified|Invalid password|decrypt/i.test(message))
      throw new KeyStoreError(
        `The PKCS12 store ${names.location}=${location} does not open with ${names.password}: ${password === undefined ? 'set it to the store password' : 'the password is wrong'}.`,
      );
    throw new KeyStoreError(
      `${names.location}=${location} cannot be read as PKCS12 (nor is it JKS or PEM): ${message}.`,
    );
  }
}

function pkcs12CertificatesOf(p12: forge.pkcs12.Pkcs12Pfx): Buffer[] {
  const bags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  return bags.flatMap((bag) => {
    // forge decodes RSA certificates only; others (EC) come back as their ASN.1.
    const asn1 =
      bag.cert !== undefined && bag.cert !== null
        ? forge.pki.certificateToAsn1(bag.cert)
        : (bag as { asn1?: forge.asn1.Asn1 }).asn1;
    return asn1 === undefined ? [] : [Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary')];
  });
}

/** The first private key of a PKCS12 file opened by forge, with its certificate first in the chain. */
function legacyPkcs12Key(
  bytes: Buffer,
  password: string | undefined,
  location: string,
  names: { readonly location: string; readonly password: string },
): KeyMaterial {
  const p12 = openPkcs12(bytes, password, location, names);
  const keyBag = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ??
      []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ][0];
  if (keyBag === undefined)
    throw new KeyStoreError(
      `The keystore ${names.location}=${location} holds no private key, only certificates: a keystore needs the client's key and certificate.`,
    );
  // forge decodes RSA keys only; others (EC) come back as their PrivateKeyInfo.
  const keyInfo =
    keyBag.key !== undefined && keyBag.key !== null
      ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key))
      : (keyBag as { asn1?: forge.asn1.Asn1 }).asn1;
  if (keyInfo === undefined)
    throw new KeyStoreError(`The private key in ${names.location}=${location} cannot be read.`);
  const key = createPrivateKey({
    key: Buffer.from(forge.asn1.toDer(keyInfo).getBytes(), 'binary'),
    format: 'der',
    type: 'pkcs8',
  });
  // The key's own certificate first (the one whose public key matches), then the rest of the chain.
  const certificates = pkcs12CertificatesOf(p12).map((der) => new X509Certificate(der));
  const own = certificates.findIndex((c) => c.checkPrivateKey(key));
  if (own < 0)
    throw new KeyStoreError(
      `The keystore ${names.location}=${location} holds no certificate for its private key.`,
    );
  const chain = [certificates[own], ...certificates.filter((_, i) => i !== own)].map((c) => c.raw);
  return {
    key: Buffer.from(key.export({ format: 'pem', type: 'pkcs8' }).toString()),
    cert: Buffer.from(certificatesToPem(chain)),
  };
}
