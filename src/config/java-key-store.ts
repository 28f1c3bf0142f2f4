// Reads a Java KeyStore file (keytool's JKS format): its trusted certificates and its private keys with
// their certificate chains. Node's TLS takes PEM and PKCS12 only, and ksqlDB users hand over the JKS
// truststores and keystores their Java clients use, so the format is read here, integrity checked with
// the store password as Java does.
import { createHash, createPrivateKey, timingSafeEqual } from 'node:crypto';

export const JKS_MAGIC = 0xfeedfeed;
/** JCEKS (Sun's JCE store) starts with this; its keys use another cipher and are not read here. */
export const JCEKS_MAGIC = 0xcececece;

export interface JavaKeyStoreEntry {
  readonly alias: string;
  /** DER certificates: the trusted certificate, or a private key's chain (leaf first). */
  readonly certificates: readonly Buffer[];
  /** A private key entry's key as Sun's KeyProtector left it; open it with `unprotectJksKey`. */
  readonly protectedKey?: Buffer;
}

/** Why a store could not be read: `password` when its integrity digest does not match the password. */
export class JavaKeyStoreError extends Error {
  override readonly name = 'JavaKeyStoreError';
  readonly reason: 'format' | 'password';
  constructor(message: string, reason: 'format' | 'password') {
    super(message);
    this.reason = reason;
  }
}

/** Java passwords are hashed as UTF-16 big-endian code units. */
function passwordBytes(password: string): Buffer {
  const bytes = Buffer.alloc(password.length * 2);
  for (let i = 0; i < password.length; i++) bytes.writeUInt16BE(password.charCodeAt(i), i * 2);
  return bytes;
}

/**
 * The entries of a JKS file. With a password the trailing SHA-1 digest (password, the words
 * "Mighty Aphrodite", then the whole store) must match, else a `password` error; without one the
 * store is read unchecked, as Java's KeyStore.load(stream, null) does.
 */
export function readJavaKeyStore(bytes: Buffer, password: string | undefined): JavaKeyStoreEntry[] {
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new JavaKeyStoreError('the JKS file is cut short', 'format');
  };
  const u32 = () => {
    need(4);
    const v = bytes.readUInt32BE(at);
    at += 4;
    return v;
  };
  const utf = () => {
    need(2);
    const length = bytes.readUInt16BE(at);
    at += 2;
    need(length);
    const text = bytes.toString('utf8', at, at + length);
    at += length;
    return text;
  };
  const block = () => {
    const length = u32();
    need(length);
    const b = bytes.subarray(at, at + length);
    at += length;
    return b;
  };
  const magic = u32();
  if (magic !== JKS_MAGIC) throw new JavaKeyStoreError('the file is not a JKS key store', 'format');
  const version = u32();
  if (version !== 1 && version !== 2)
    throw new JavaKeyStoreError(`JKS version ${version} is not known (1 or 2)`, 'format');
  const certificate = () => {
    if (version === 2) {
      const type = utf();
      if (type !== 'X.509')
        throw new JavaKeyStoreError(`the store holds a ${type} certificate; only X.509 is read`, 'format');
    }
    return Buffer.from(block());
  };
  const count = u32();
  const entries: JavaKeyStoreEntry[] = [];
  for (let i = 0; i < count; i++) {
    const tag = u32();
    const alias = utf();
    need(8);
    at += 8; // creation date
    if (tag === 1) {
      const protectedKey = Buffer.from(block());
      const chainLength = u32();
      const certificates: Buffer[] = [];
      for (let c = 0; c < chainLength; c++) certificates.push(certificate());
      entries.push({ alias, certificates, protectedKey });
    } else if (tag === 2) {
      entries.push({ alias, certificates: [certificate()] });
    } else {
      throw new JavaKeyStoreError(`entry '${alias}' has the unknown tag ${tag}`, 'format');
    }
  }
  need(20);
  if (password !== undefined) {
    const digest = createHash('sha1')
      .update(passwordBytes(password))
      .update('Mighty Aphrodite', 'utf8')
      .update(bytes.subarray(0, at))
      .digest();
    if (!timingSafeEqual(digest, bytes.subarray(at, at + 20)))
      throw new JavaKeyStoreError(
        'the password does not open it (its integrity digest does not match)',
        'password',
      );
  }
  return entries;
}

/** Sun's KeyProtector algorithm id (1.3.6.1.4.1.42.2.17.1.1) in DER, as keytool writes it in JKS entries. */
const KEY_PROTECTOR_OID = Buffer.from('060a2b060104012a02110101', 'hex');

/**
 * A JKS private key entry's key as PEM (PKCS#8). The entry is an EncryptedPrivateKeyInfo whose data
 * is salt (20 bytes), the key XORed with a SHA-1 chain of password and salt, and a SHA-1 check of
 * password and key that tells a wrong key password.
 */
export function unprotectJksKey(protectedKey: Buffer, password: string): string {
  const encrypted = encryptedData(protectedKey);
  if (encrypted.length < 41) throw new JavaKeyStoreError('a private key entry is cut short', 'format');
  const pw = passwordBytes(password);
  const salt = encrypted.subarray(0, 20);
  const body = encrypted.subarray(20, encrypted.length - 20);
  const check = encrypted.subarray(encrypted.length - 20);
  const key = Buffer.alloc(body.length);
  let digest: Buffer = salt;
  for (let offset = 0; offset < body.length; offset += 20) {
    digest = createHash('sha1').update(pw).update(digest).digest();
    for (let i = 0; i < 20 && offset + i < body.length; i++) key[offset + i] = body[offset + i] ^ digest[i];
  }
  const expected = createHash('sha1').update(pw).update(key).digest();
  if (!timingSafeEqual(expected, check))
    throw new JavaKeyStoreError('the key password does not open the private key', 'password');
  return createPrivateKey({ key, format: 'der', type: 'pkcs8' })
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();
}

/** The OCTET STRING of EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }. */
function encryptedData(der: Buffer): Buffer {
  let at = 0;
  const header = (expectTag: number): number => {
    if (der[at] !== expectTag)
      throw new JavaKeyStoreError('a private key entry is not an EncryptedPrivateKeyInfo', 'format');
    at++;
    let length = der[at++];
    if (length & 0x80) {
      const n = length & 0x7f;
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + der[at++];
    }
    return length;
  };
  header(0x30);
  const algorithmLength = header(0x30);
  const algorithm = der.subarray(at, at + algorithmLength);
  if (!algorithm.subarray(0, KEY_PROTECTOR_OID.length).equals(KEY_PROTECTOR_OID))
    throw new JavaKeyStoreError(
      "a private key entry is not protected with JKS's own algorithm (a JCEKS key?)",
      'format',
    );
  at += algorithmLength;
  const length = header(0x04);
  return der.subarray(at, at + length);
}

/** DER certificates as one PEM text. */
export function certificatesToPem(certificates: readonly Buffer[]): string {
  return certificates
    .map((der) => {
      const base64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
      return `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`;
    })
    .join('');
}
