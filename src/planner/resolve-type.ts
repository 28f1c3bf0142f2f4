import type { SqlType as AstType } from '../sql/index.js';
import * as T from '../types/index.js';

/** Turns a parsed type into a resolved one, looking up names registered with CREATE TYPE. */
export function resolveType(type: AstType, customTypes: ReadonlyMap<string, T.SqlType>): T.SqlType {
  switch (type.kind) {
    case 'primitiveType':
      return T.primitive(type.name);
    case 'decimalType':
      if (type.precision < 1 || type.scale < 0 || type.scale > type.precision) {
        throw new TypeError(
          `DECIMAL(${type.precision}, ${type.scale}) is not valid: precision must be at least 1 and scale between 0 and the precision.`,
        );
      }
      return T.decimal(type.precision, type.scale);
    case 'arrayType':
      return T.array(resolveType(type.element, customTypes));
    case 'mapType':
      return T.map(resolveType(type.key, customTypes), resolveType(type.value, customTypes));
    case 'structType':
      return T.struct(type.fields.map((f) => ({ name: f.name, type: resolveType(f.type, customTypes) })));
    case 'customType': {
      const found = customTypes.get(type.name);
      if (found === undefined) {
        throw new TypeError(
          `Unknown type ${type.name}. Register it first with CREATE TYPE ${type.name} AS …;`,
        );
      }
      return found;
    }
    default: {
      const never: never = type;
      throw new TypeError(`Unhandled type ${JSON.stringify(never)}`);
    }
  }
}
