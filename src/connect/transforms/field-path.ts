import { ConfigException, type ConnectValue, type Field, type Schema, type Struct } from '../api/index.js';
import { isSchemalessMap, mapGet } from '../converters/index.js';
import { findField, requireMapOrNull, requireStructOrNull } from './support.js';

/**
 * A field path (KIP-821). Syntax V1: the whole text is one field name. V2: dots separate nested
 * fields; a name holding dots is quoted in backticks, and a backtick inside it escaped with a
 * backslash, e.g. `a.b`.c
 */
export class SingleFieldPath {
  readonly steps: readonly string[];

  constructor(path: string, version: 'V1' | 'V2') {
    this.steps = version === 'V1' ? [path] : stepsV2(path);
  }

  fieldFrom(schema: Schema): Field | undefined {
    let current: Schema = schema;
    for (const step of this.steps.slice(0, -1)) {
      const f = current.type === 'STRUCT' ? findField(current, step) : undefined;
      if (f === undefined) return undefined;
      current = f.schema;
    }
    return current.type === 'STRUCT' ? findField(current, this.steps[this.steps.length - 1]) : undefined;
  }

  valueFromStruct(struct: Struct): ConnectValue {
    let current: Struct | null = struct;
    for (const step of this.steps.slice(0, -1)) {
      if (findField(current.schema, step) === undefined) return null;
      current = requireStructOrNull(current.get(step), 'nested field access');
      if (current === null) return null;
    }
    const last = this.steps[this.steps.length - 1];
    return findField(current.schema, last) === undefined ? null : current.get(last);
  }

  valueFromMap(map: ConnectValue): ConnectValue {
    let current: ConnectValue = map;
    for (const step of this.steps.slice(0, -1)) {
      const next = requireMapOrNull(
        isSchemalessMap(current) ? mapGet(current, step) : null,
        'nested field access',
      );
      if (next === null) return null;
      current = next;
    }
    return isSchemalessMap(current) ? mapGet(current, this.steps[this.steps.length - 1]) : null;
  }
}

function stepsV2(path: string): string[] {
  const steps: string[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] !== '`') {
      const dot = path.indexOf('.', i);
      steps.push(dot < 0 ? path.slice(i) : path.slice(i, dot));
      i = dot < 0 ? path.length : dot + 1;
      continue;
    }
    const opening = i;
    let name = '';
    let start = ++i;
    for (;;) {
      const tick = path.indexOf('`', i);
      if (tick < 0) throw incomplete(path, opening);
      const escaped = path[tick - 1] === '\\';
      if (tick === path.length - 1) {
        if (escaped) throw incomplete(path, opening);
        steps.push(name + path.slice(start, tick));
        i = tick + 1;
        break;
      }
      if (path[tick + 1] !== '.') {
        i = tick + 1;
        continue;
      }
      if (escaped) {
        name += `${path.slice(start, tick - 1)}\``;
        start = i = tick + 1;
        continue;
      }
      steps.push(name + path.slice(start, tick));
      i = tick + 2;
      break;
    }
  }
  if (path.endsWith('.')) steps.push('');
  return steps;
}

function incomplete(path: string, at: number): ConfigException {
  return new ConfigException([
    {
      key: 'field',
      message: `Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${at} to escape it`,
    },
  ]);
}
