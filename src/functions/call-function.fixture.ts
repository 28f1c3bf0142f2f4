import type { SqlType, SqlValue } from '../types/index.js';
import { resolveFunction } from './registry.js';

/** Resolves `name` for the argument types and runs it on the values, as the runtime would. */
export function call(
  name: string,
  argTypes: readonly (SqlType | null)[],
  args: readonly SqlValue[],
): SqlValue {
  return resolveFunction(name, argTypes).invoke([...args]);
}

export const dec = (text: string) => {
  const [whole, fraction = ''] = text.split('.');
  return { unscaled: BigInt(whole + fraction), scale: fraction.length };
};
