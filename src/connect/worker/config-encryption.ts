// Connector secrets encrypted at rest in the config topic (beyond Kafka Connect, which stores them in
// plain text): AES-256-GCM with a key from the worker's config, one value at a time, bound to the
// record and setting it belongs to so that no ciphertext can be moved to another setting.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const ENCRYPTION_KEY = 'sluice.config.encryption.key';
export const ENCRYPTION_KEY_FILE = 'sluice.config.encryption.key.file';
export const PREVIOUS_ENCRYPTION_KEYS = 'sluice.config.encryption.previous.keys';

/** The envelope's version: a record without an envelope is plain (written before, or without a key). */
export const ENVELOPE_VERSION = 1;

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What the config topic's record carries beside its properties when some of them are encrypted. */
export interface EncryptionEnvelope {
  readonly version: number;
  /** The key's fingerprint, so a wrong key is told apart from a damaged record. */
  readonly key: string;
  /** The properties whose values are encrypted. */
  readonly keys: readonly string[];
}

function parseKey(text: string, setting: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(trimmed) && key.toString('base64') !== trimmed))
    throw new Error(
      `The worker setting ${setting} must be a 256-bit key: 32 bytes in base64 (44 characters) or hex (64 characters), such as 'openssl rand -base64 32' prints.`,
    );
  return key;
}

export class ConfigCipher {
  private readonly key: Buffer;
  /** Where the key came from, for messages. */
  readonly setting: string;
  readonly fingerprint: string;

  private constructor(key: Buffer, setting: string) {
    this.key = key;
    this.setting = setting;
    this.fingerprint = createHash('sha256')
      .update('sluice-config-key')
      .update(key)
      .digest('hex')
      .slice(0, 16);
  }

  /** The worker's key, or undefined when none is set; a key that is not 256 bits stops the start. */
  static fromWorkerProperties(props: Readonly<Record<string, string>>): ConfigCipher | undefined {
    const inline = props[ENCRYPTION_KEY];
    const file = props[ENCRYPTION_KEY_FILE];
    if (inline !== undefined && file !== undefined)
      throw new Error(`Set either ${ENCRYPTION_KEY} or ${ENCRYPTION_KEY_FILE}, not both.`);
    if (inline !== undefined) return ConfigCipher.fromKeyText(inline, ENCRYPTION_KEY);
    if (file === undefined) return undefined;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(
        `The worker setting ${ENCRYPTION_KEY_FILE}=${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? err}).`,
      );
    }
    return new ConfigCipher(
      parseKey(text, `${ENCRYPTION_KEY_FILE} (${file})`),
      `${ENCRYPTION_KEY_FILE}=${file}`,
    );
  }

  /** A key given as text (base64 or hex); `setting` names where, for messages. */
  static fromKeyText(text: string, setting: string): ConfigCipher {
    return new ConfigCipher(parseKey(text, setting), setting);
  }

  /** base64(iv ‖ tag ‖ ciphertext), authenticated with `context` (the record key and setting). */
  encrypt(value: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** The plain value, or an Error when the key or the context is not the one it was written with. */
  decrypt(value: string, context: string): string {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('the encrypted value is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new Error(
        'it does not decrypt: the record was altered or the key is not the one it was written with',
      );
    }
  }
}

/**
 * Encrypts, decrypts and explains: what the config topic's connector and task records go through.
 * Without a cipher, records are written plain; encrypted records then cannot be read.
 */
export class ConfigSealer {
  readonly cipher: ConfigCipher | undefined;
  private readonly topic: string;

  /** Keys secrets may still be encrypted with, by fingerprint: records are read with them and rewritten. */
  private readonly previous: ReadonlyMap<string, ConfigCipher>;

  constructor(cipher: ConfigCipher | undefined, topic: string, previous: readonly ConfigCipher[] = []) {
    this.cipher = cipher;
    this.topic = topic;
    this.previous = new Map(previous.map((c) => [c.fingerprint, c]));
  }

  /** The worker's key and the previous ones it still reads. */
  static fromWorkerProperties(props: Readonly<Record<string, string>>, topic: string): ConfigSealer {
    const cipher = ConfigCipher.fromWorkerProperties(props);
    const previous = (props[PREVIOUS_ENCRYPTION_KEYS] ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k !== '')
      .map((k, i) => ConfigCipher.fromKeyText(k, `${PREVIOUS_ENCRYPTION_KEYS} (key ${i + 1})`));
    if (previous.length > 0 && cipher === undefined)
      throw new Error(
        `${PREVIOUS_ENCRYPTION_KEYS} is set without ${ENCRYPTION_KEY}: set the new key, which the secrets are rewritten with.`,
      );
    return new ConfigSealer(cipher, topic, previous);
  }

  /** Whether a stored record must be rewritten with the current key (it was written with another). */
  needsResealing(envelope: EncryptionEnvelope | undefined): boolean {
    return envelope !== undefined && this.cipher !== undefined && envelope.key !== this.cipher.fingerprint;
  }

  /** The properties with the secret ones encrypted, and the envelope naming them (none: plain). */
  seal(
    recordKey: string,
    properties: Readonly<Record<string, string>>,
    isSecret: (key: string, value: string) => boolean,
  ): { properties: Record<string, string>; envelope: EncryptionEnvelope | undefined } {
    if (this.cipher === undefined) return { properties: { ...properties }, envelope: undefined };
    const out: Record<string, string> = {};
    const keys: string[] = [];
    for (const [k, v] of Object.entries(properties)) {
      if (typeof v === 'string' && v !== '' && isSecret(k, v)) {
        out[k] = this.cipher.encrypt(v, `${recordKey}\u0000${k}`);
        keys.push(k);
      } else out[k] = v;
    }
    if (keys.length === 0) return { properties: out, envelope: undefined };
    return {
      properties: out,
      envelope: { version: ENVELOPE_VERSION, key: this.cipher.fingerprint, keys },
    };
  }

  /**
   * The plain properties of a stored record; an Error naming the connector, the setting and what to do
   * when they cannot be had (no key, another key, a damaged record, a newer envelope).
   */
  open(
    recordKey: string,
    connector: string,
    properties: Readonly<Record<string, string>>,
    envelope: EncryptionEnvelope | undefined,
  ): Record<string, string> {
    if (envelope === undefined) return { ...properties };
    const what = (k: string) => `Connector ${connector}'s setting ${k} in the config topic ${this.topic}`;
    const first = envelope.keys[0] ?? '?';
    if (envelope.version !== ENVELOPE_VERSION)
      throw new Error(
        `${what(first)} is encrypted in envelope version ${envelope.version}, which this Sluice does not read (it reads ${ENVELOPE_VERSION}): run the version that wrote it.`,
      );
    if (this.cipher === undefined)
      throw new Error(
        `${what(first)} is encrypted, but no ${ENCRYPTION_KEY} or ${ENCRYPTION_KEY_FILE} is set: start the worker with the key it was written with.`,
      );
    const cipher = envelope.key === this.cipher.fingerprint ? this.cipher : this.previous.get(envelope.key);
    if (cipher === undefined)
      throw new Error(
        `${what(first)} was encrypted with another key (fingerprint ${envelope.key}) than the one ${this.cipher.setting} gives (${this.cipher.fingerprint}): start the worker with the key it was written with, or, to change keys, give that one in ${PREVIOUS_ENCRYPTION_KEYS}.`,
      );
    const out: Record<string, string> = { ...properties };
    for (const k of envelope.keys) {
      const value = properties[k];
      if (value === undefined) continue;
      try {
        out[k] = cipher.decrypt(value, `${recordKey}\u0000${k}`);
      } catch (err) {
        throw new Error(`${what(k)} cannot be read: ${(err as Error).message}.`);
      }
    }
    return out;
  }
}
