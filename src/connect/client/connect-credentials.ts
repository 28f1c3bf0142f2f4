// ksqlDB's credentials for an external Connect cluster: ksql.connect.basic.auth.credentials.source
// =FILE sends the username and password of a properties file as basic authentication.
import { readFileSync, statSync } from 'node:fs';
import { parseProperties } from '../../config/index.js';

function readCredentials(file: string, setting: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `Cannot read the Connect credentials file ${setting}=${file} (${(err as NodeJS.ErrnoException).code ?? err}).`,
    );
  }
  const entries = parseProperties(text, file).entries;
  const user = entries.get('username')?.value;
  const password = entries.get('password')?.value;
  if (user === undefined || user === '' || password === undefined)
    throw new Error(
      `The Connect credentials file ${setting}=${file} needs the keys username and password (username=…, password=…), as ksqlDB reads it.`,
    );
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * The Authorization header for requests to ksql.connect.url, read now (a missing or incomplete file
 * stops the start) and, with `reload`, again whenever the file changes.
 */
export function connectCredentialsFromFile(
  file: string,
  reload: boolean,
  setting = 'ksql.connect.basic.auth.credentials.file',
): () => string {
  let header = readCredentials(file, setting);
  if (!reload) return () => header;
  let version = fileVersion(file);
  return () => {
    const now = fileVersion(file);
    if (now !== version) {
      try {
        header = readCredentials(file, setting);
        version = now;
      } catch {
        // Half-written or removed: keep the last good credentials until it is whole again.
      }
    }
    return header;
  };
}

function fileVersion(file: string): string {
  try {
    const s = statSync(file);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return 'missing';
  }
}
