import { readFileSync } from 'node:fs';

/** The version in Sluice's package.json (from dist/src/app/ it is three folders up). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
