import type { SqlValue } from '../types/index.js';
import { FunctionInvocationError, param, type ScalarFunction } from './function-declaration.js';
import { BIGINT_P, BYTES_P, DOUBLE_P, INTEGER_P, STRING_P, type TypePattern } from './type-pattern.js';

/** ksqlDB's byte orders, named as java.nio.ByteOrder prints them, in any case. */
function littleEndian(functionName: string, order: SqlValue): boolean {
  const name = typeof order === 'string' ? order.toUpperCase() : null;
  if (name === 'BIG_ENDIAN') return false;
  if (name === 'LITTLE_ENDIAN') return true;
  throw new FunctionInvocationError(
    functionName,
    `Byte order must be BIG_ENDIAN or LITTLE_ENDIAN. Unknown byte order '${order}'.`,
  );
}

/** A *_FROM_BYTES function: exactly `size` bytes read in the given order (big-endian by default). */
function fromBytes(
  name: string,
  target: string,
  returns: TypePattern,
  size: number,
  read: (view: DataView, little: boolean) => SqlValue,
): ScalarFunction {
  const convert = (value: SqlValue, little: boolean): SqlValue => {
    if (value === null) return null;
    const bytes = value as Uint8Array;
    if (bytes.length !== size) {
      throw new FunctionInvocationError(
        name,
        `Number of bytes must be equal to ${size}, but found ${bytes.length}`,
      );
    }
    return read(new DataView(bytes.buffer, bytes.byteOffset, size), little);
  };
  return {
    name,
    category: 'CONVERSIONS',
    description: `Converts a BYTES value to ${target}.`,
    overloads: [
      {
        params: [param('value', BYTES_P, 'The bytes value to convert.')],
        returns,
        invoke: (a) => convert(a[0], false),
      },
      {
        params: [
          param('value', BYTES_P, 'The bytes value to convert.'),
          param('byteOrder', STRING_P, 'The byte order of the number bytes representation'),
        ],
        returns,
        invoke: (a) => convert(a[0], littleEndian(name, a[1])),
      },
    ],
  };
}

export const conversionFunctions: readonly ScalarFunction[] = [
  fromBytes('INT_FROM_BYTES', 'an INT', INTEGER_P, 4, (v, little) => v.getInt32(0, little)),
  fromBytes('BIGINT_FROM_BYTES', 'a BIGINT', BIGINT_P, 8, (v, little) => v.getBigInt64(0, little)),
  fromBytes('DOUBLE_FROM_BYTES', 'a DOUBLE', DOUBLE_P, 8, (v, little) => v.getFloat64(0, little)),
];
