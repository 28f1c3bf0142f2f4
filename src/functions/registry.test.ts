import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { array, BIGINT, DOUBLE, decimal, formatType, INTEGER, map, STRING } from '../types/index.js';
import { call, dec } from './call-function.fixture.js';
import { describeFunction, FunctionResolutionError, listFunctions, resolveFunction } from './index.js';

describe('resolveFunction', () => {
  test('finds functions whatever the case of the name', () => {
    assert.equal(resolveFunction('ucase', [STRING]).function.name, 'UCASE');
    assert.equal(resolveFunction('UcAsE', [STRING]).function.name, 'UCASE');
  });

  test('prefers the overload whose parameter types match exactly', () => {
    assert.equal(resolveFunction('ABS', [INTEGER]).returnType, INTEGER);
    assert.equal(resolveFunction('ABS', [BIGINT]).returnType, BIGINT);
    assert.equal(resolveFunction('ABS', [DOUBLE]).returnType, DOUBLE);
  });

  test('keeps the precision and scale of a decimal argument where ksqlDB does', () => {
    assert.deepEqual(resolveFunction('ABS', [decimal(5, 2)]).returnType, decimal(5, 2));
    assert.deepEqual(resolveFunction('ROUND', [decimal(5, 2)]).returnType, decimal(3, 0));
    assert.deepEqual(resolveFunction('ROUND', [decimal(5, 2), INTEGER]).returnType, decimal(5, 2));
  });

  test('widens INTEGER to BIGINT before DECIMAL before DOUBLE', () => {
    const resolved = resolveFunction('GENERATE_SERIES', [INTEGER, BIGINT]);
    assert.deepEqual(resolved.paramTypes, [BIGINT, BIGINT]);
    assert.deepEqual(resolved.invoke([1, 3n]), [1n, 2n, 3n]);
    assert.deepEqual(resolveFunction('SQRT', [BIGINT]).paramTypes, [DOUBLE]);
    assert.equal(call('SQRT', [BIGINT], [16n]), 4);
    assert.equal(call('SQRT', [decimal(4, 2)], [dec('6.25')]), 2.5);
  });

  test('binds a type variable to the common type of its arguments', () => {
    const resolved = resolveFunction('GREATEST', [INTEGER, DOUBLE, BIGINT]);
    assert.equal(resolved.returnType, DOUBLE);
    assert.equal(resolved.invoke([1, 2.5, 3n]), 3);
    assert.equal(resolveFunction('COALESCE', [null, STRING]).returnType, STRING);
    assert.deepEqual(resolveFunction('MAP_KEYS', [map(STRING, INTEGER)]).returnType, array(STRING));
    assert.deepEqual(resolveFunction('ARRAY_MAX', [array(DOUBLE)]).returnType, DOUBLE);
  });

  test('accepts any number of variadic arguments, none included', () => {
    assert.equal(call('CONCAT', [], []), '');
    assert.equal(call('CONCAT', [STRING, STRING, STRING], ['a', 'b', 'c']), 'abc');
  });

  test('rejects arguments no overload accepts, naming the types given and the signatures available', () => {
    assert.throws(
      () => resolveFunction('substring', [INTEGER, STRING]),
      (e: unknown) => {
        assert.ok(e instanceof FunctionResolutionError);
        assert.equal(e.functionName, 'SUBSTRING');
        assert.match(e.message, /Function 'SUBSTRING' does not accept parameters \(INTEGER, STRING\)/);
        assert.match(e.message, /SUBSTRING\(str STRING, pos INTEGER\)/);
        assert.match(e.message, /SUBSTRING\(bytes BYTES, pos INTEGER, length INTEGER\)/);
        return true;
      },
    );
  });

  test('does not narrow: a DOUBLE is not accepted where an INTEGER is declared', () => {
    assert.throws(() => resolveFunction('LPAD', [STRING, DOUBLE, STRING]), FunctionResolutionError);
  });

  test('rejects arrays whose element types differ from the bound type variable', () => {
    assert.throws(() => resolveFunction('ARRAY_CONTAINS', [array(STRING), INTEGER]), FunctionResolutionError);
  });

  test('says when no function has the name', () => {
    assert.throws(
      () => resolveFunction('NO_SUCH_FN', []),
      /Can't find any functions with the name 'NO_SUCH_FN'/,
    );
  });

  test('cannot type a generic result from NULL literals alone', () => {
    assert.throws(() => resolveFunction('COALESCE', [null, null]), FunctionResolutionError);
  });
});

describe('listFunctions and describeFunction', () => {
  test('lists every function once, sorted, scalar ones with a category and aggregates as AGGREGATE', () => {
    const all = listFunctions();
    const names = all.map((f) => f.name);
    assert.deepEqual(names, [...names].sort());
    assert.equal(new Set(names).size, names.length);
    assert.ok(all.every((f) => f.category.length > 0));
    assert.deepEqual(
      all.find((f) => f.name === 'COUNT'),
      { name: 'COUNT', type: 'AGGREGATE', category: 'AGGREGATE' },
    );
    assert.deepEqual(
      all.find((f) => f.name === 'ABS'),
      { name: 'ABS', type: 'SCALAR', category: 'MATHEMATICAL' },
    );
  });

  test('describes a function in the shape of DESCRIBE FUNCTION', () => {
    const d = describeFunction('concat_ws');
    assert.equal(d.name, 'CONCAT_WS');
    assert.equal(d.author, 'Sluice');
    assert.equal(d.path, 'internal');
    assert.equal(d.type, 'SCALAR');
    assert.deepEqual(d.variations[0].arguments, [
      { name: 'separator', type: 'STRING', description: '', isVariadic: false },
      { name: 'inputs', type: 'ARRAY<STRING>', description: '', isVariadic: true },
    ]);
    assert.equal(d.variations[0].returnType, 'STRING');
    assert.equal(describeFunction('ABS').variations[3].returnType, 'DECIMAL');
    assert.equal(describeFunction('ARRAY_LENGTH').variations[0].arguments[0].type, 'ARRAY<T>');
  });

  test('describing an unknown function throws', () => {
    assert.throws(() => describeFunction('nope'), FunctionResolutionError);
  });

  test('every signature prints with its types', () => {
    for (const { name } of listFunctions()) {
      for (const v of describeFunction(name).variations) {
        assert.ok(v.returnType.length > 0, name);
        for (const a of v.arguments) assert.ok(a.type.length > 0 && a.name.length > 0, name);
      }
    }
    assert.equal(formatType(decimal(3, 1)), 'DECIMAL(3, 1)');
  });
});
