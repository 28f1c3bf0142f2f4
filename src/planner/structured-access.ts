// Struct fields (`s->f`), array and map elements (`a[1]`, `m['k']`), and the ARRAY[…], MAP(…) and
// STRUCT(…) constructors.
import type { Dereference, Expression, MapConstructor, StructConstructor, Subscript } from '../sql/index.js';
import { printExpression } from '../sql/index.js';
import type { SqlValue, StructValue } from '../types/index.js';
import { formatType, type SqlType, type StructField } from '../types/index.js';
import { converted, planComparison, valuesEqual } from './comparison.js';
import { ExpressionError } from './compiled-expression.js';
import { allConstant, type CompiledNode, node } from './compiled-node.js';
import { type Compile, unify } from './conditionals.js';
import { canWiden, widenNode } from './implicit-cast.js';

export function compileDereference(expression: Dereference, compile: Compile): CompiledNode {
  const base = compile(expression.base);
  const baseText = printExpression(expression.base);
  if (base.type === null || base.type.kind !== 'STRUCT') {
    throw new ExpressionError(
      `'->' reads a field of a STRUCT, but ${baseText} is ${base.type ? formatType(base.type) : 'NULL'}.`,
    );
  }
  const name = expression.field;
  const field = base.type.fields.find((f) => f.name === name);
  if (!field) {
    const other = base.type.fields.find((f) => f.name.toUpperCase() === name.toUpperCase());
    const hint = other ? ` Field names are case-sensitive: did you mean \`${other.name}\`?` : '';
    throw new ExpressionError(`Could not find field '${name}' in '${baseText}'.${hint}`);
  }
  const be = base.evaluate;
  return node(
    field.type,
    (row) => {
      const struct = be(row) as StructValue | null;
      return struct === null ? null : (struct[name] ?? null);
    },
    base.constant,
  );
}

/** Arrays count from 1, and from the end with negative indexes; out of range gives NULL. */
export function compileSubscript(expression: Subscript, compile: Compile): CompiledNode {
  const base = compile(expression.base);
  const index = compile(expression.index);
  const baseType = base.type;
  const be = base.evaluate;
  const constant = base.constant && index.constant;
  if (baseType?.kind === 'ARRAY') {
    if (index.type !== null && index.type.kind !== 'INTEGER' && index.type.kind !== 'BIGINT') {
      throw new ExpressionError(
        `An array index must be INTEGER or BIGINT, but ${printExpression(expression.index)} is ${formatType(index.type)}.`,
      );
    }
    const ie = index.evaluate;
    return node(
      baseType.element,
      (row) => {
        const array = be(row) as readonly SqlValue[] | null;
        if (array === null) return null;
        const i = ie(row);
        if (i === null) return null;
        const n = Number(i);
        const at = n > 0 ? n - 1 : array.length + n;
        return n === 0 || at < 0 || at >= array.length ? null : array[at];
      },
      constant,
    );
  }
  if (baseType?.kind === 'MAP') {
    const keyType = baseType.key;
    const lookup =
      index.type === null || canWiden(index.type, keyType)
        ? undefined
        : planComparison('=', keyType, index.type);
    if (index.type !== null && !canWiden(index.type, keyType) && !lookup) {
      throw new ExpressionError(
        `A key of ${formatType(baseType)} must be ${formatType(keyType)}, but ${printExpression(expression.index)} is ${formatType(index.type)}.`,
      );
    }
    const ke = lookup ? converted(index.evaluate, lookup.convertRight) : widenNode(index, keyType).evaluate;
    const toKey = lookup?.convertLeft ?? ((k: SqlValue) => k);
    const matches = lookup?.test ?? valuesEqual;
    const byIdentity = !lookup && isPrimitiveKey(keyType);
    return node(
      baseType.value,
      (row) => {
        const map = be(row) as ReadonlyMap<SqlValue, SqlValue> | null;
        if (map === null) return null;
        const key = ke(row);
        if (key === null) return null;
        if (byIdentity) return map.get(key) ?? null;
        for (const [k, v] of map) if (k !== null && matches(toKey(k), key)) return v;
        return null;
      },
      constant,
    );
  }
  const hint =
    baseType?.kind === 'STRUCT'
      ? ` Use the dereference operator for STRUCTS: ${printExpression(expression.base)}->field`
      : '';
  throw new ExpressionError(
    `Subscript expression (${printExpression(expression)}) does not apply to ${baseType ? formatType(baseType) : 'NULL'}.${hint}`,
  );
}

/** Key types whose equal values are the same JavaScript value, so Map.get finds them. */
function isPrimitiveKey(type: SqlType): boolean {
  return (
    type.kind !== 'DECIMAL' &&
    type.kind !== 'BYTES' &&
    type.kind !== 'ARRAY' &&
    type.kind !== 'MAP' &&
    type.kind !== 'STRUCT'
  );
}

const WORKAROUND =
  '(see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.';

export function compileArray(
  elements: readonly Expression[],
  compile: Compile,
  text: () => string,
): CompiledNode {
  if (elements.length === 0) {
    throw new ExpressionError('Array constructor cannot be empty. Please supply at least one element.');
  }
  const unified = unify(elements.map(compile), () => `Invalid ARRAY ${text()}`);
  if (unified.type === null)
    throw new ExpressionError(`Cannot construct an array with all NULL elements ${WORKAROUND}`);
  const evaluators = unified.nodes.map((n) => n.evaluate);
  const count = evaluators.length;
  return node(
    { kind: 'ARRAY', element: unified.type },
    (row) => {
      const out = new Array<SqlValue>(count);
      for (let i = 0; i < count; i++) out[i] = evaluators[i](row);
      return out;
    },
    allConstant(unified.nodes),
  );
}

export function compileMap(expression: MapConstructor, compile: Compile): CompiledNode {
  if (expression.entries.length === 0) {
    throw new ExpressionError('Map constructor cannot be empty. Please supply at least one key value pair.');
  }
  const text = () => printExpression(expression);
  const keys = unify(
    expression.entries.map((e) => compile(e.key)),
    () => `Invalid MAP keys in ${text()}`,
  );
  const values = unify(
    expression.entries.map((e) => compile(e.value)),
    () => `Invalid MAP values in ${text()}`,
  );
  if (keys.type === null)
    throw new ExpressionError(`Cannot construct a map with all NULL keys ${WORKAROUND}`);
  if (values.type === null)
    throw new ExpressionError(`Cannot construct a map with all NULL values ${WORKAROUND}`);
  const ks = keys.nodes.map((n) => n.evaluate);
  const vs = values.nodes.map((n) => n.evaluate);
  return node(
    { kind: 'MAP', key: keys.type, value: values.type },
    (row) => {
      const out = new Map<SqlValue, SqlValue>();
      for (let i = 0; i < ks.length; i++) out.set(ks[i](row), vs[i](row));
      return out;
    },
    allConstant(keys.nodes) && allConstant(values.nodes),
  );
}

export function compileStruct(expression: StructConstructor, compile: Compile): CompiledNode {
  const fields: StructField[] = [];
  const parts = expression.fields.map((f) => {
    if (fields.some((g) => g.name === f.name)) {
      throw new ExpressionError(`Duplicate field name '${f.name}' in ${printExpression(expression)}.`);
    }
    const value = compile(f.value);
    if (value.type === null) {
      throw new ExpressionError(
        `Cannot infer the type of field '${f.name}' from NULL in ${printExpression(expression)}: CAST it, e.g. CAST(NULL AS STRING).`,
      );
    }
    fields.push({ name: f.name, type: value.type });
    return value;
  });
  const names = fields.map((f) => f.name);
  const evaluators = parts.map((p) => p.evaluate);
  return node(
    { kind: 'STRUCT', fields },
    (row) => {
      const out: Record<string, SqlValue> = {};
      for (let i = 0; i < names.length; i++) out[names[i]] = evaluators[i](row);
      return out;
    },
    allConstant(parts),
  );
}
