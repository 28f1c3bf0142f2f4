/**
 * The JSONPath subset ksqlDB's EXTRACTJSONFIELD accepts: `$` followed by `.name`, `['name']`, `["name"]`
 * and `[index]` steps. Wildcards, filters and slices select several values and are rejected.
 */
export type JsonPathStep = string | number;

const compiled = new Map<string, readonly JsonPathStep[]>();

export function compileJsonPath(path: string): readonly JsonPathStep[] {
  let steps = compiled.get(path);
  if (steps === undefined) {
    steps = parsePath(path);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(path, steps);
  }
  return steps;
}

function parsePath(source: string): JsonPathStep[] {
  const steps: JsonPathStep[] = [];
  // 'a.b' without the root means '$.a.b'.
  const path =
    source.startsWith('$') || source.startsWith('.') || source.startsWith('[') ? source : `.${source}`;
  let at = path.startsWith('$') ? 1 : 0;
  const fail = (why: string): never => {
    throw new Error(`invalid JSONPath '${source}' at index ${at}: ${why}`);
  };
  while (at < path.length) {
    const c = path[at];
    if (c === '.') {
      at++;
      let end = at;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
      const name = path.slice(at, end);
      if (name === '' || name === '*') fail('expected a field name');
      steps.push(name);
      at = end;
    } else if (c === '[') {
      at++;
      const quote = path[at];
      if (quote === "'" || quote === '"') {
        const close = path.indexOf(quote, at + 1);
        if (close < 0) fail('unclosed quote');
        steps.push(path.slice(at + 1, close));
        at = close + 1;
      } else {
        const close = path.indexOf(']', at);
        if (close < 0) fail("expected ']'");
        const index = path.slice(at, close).trim();
        if (!/^\d+$/.test(index)) fail('expected an array index');
        steps.push(Number(index));
        at = close;
      }
      if (path[at] !== ']') fail("expected ']'");
      at++;
    } else {
      fail(`unexpected '${c}'`);
    }
  }
  return steps;
}
