import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The folder table of DESIGN.md (shared/DESIGN.md, "Folders (src/)", column "may import"): which
 * folder may import which. `connect` stands for connect/ and each of its sub-folders (api/, client/,
 * worker/, …), which may import one another; `server/client` is "server's client code".
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[] | 'everything'>> = {
  types: [],
  sql: ['types'],
  planner: ['sql', 'functions', 'types'],
  functions: ['types'],
  runtime: ['log', 'serde', 'functions', 'types'],
  engine: ['sql', 'planner', 'runtime', 'serde', 'functions', 'connect/client', 'log', 'types', 'rest-model'],
  serde: ['types'],
  registry: ['serde', 'log'],
  log: [],
  kafka: ['log'],
  connect: ['log', 'serde', 'types'],
  connectors: ['connect/api'],
  server: ['engine', 'connect/client', 'log', 'rest-model'],
  cli: ['server/client', 'app', 'rest-model'],
  config: [],
  testing: ['engine', 'sql', 'serde', 'log', 'config', 'types'],
  app: 'everything',
  // Not in DESIGN.md's table yet: the REST API's JSON shapes (entities, error bodies, streamed rows),
  // built by engine/, sent by server/ and read by cli/ from one typed model; it imports nothing.
  'rest-model': [],
};

/**
 * Not in DESIGN.md's table's "may import" column yet, though its rows and rules ask for them: errors/
 * (the one SluiceError catalogue) and config/ (one declaration model for every property: server,
 * worker, connector) import nothing of ours, and every folder may import them, except connectors/,
 * which reach what they need through connect/api only.
 */
const IMPORTED_BY_ALL: readonly string[] = ['errors', 'config'];

/**
 * Imports the table does not allow today, each with why. Every entry is a debt: fix the code (or
 * DESIGN.md, through an issue note) and remove it. An entry that no import needs any more fails the
 * test, so the list never claims more than is true.
 */
const EXCEPTIONS: readonly { from: string; to: string; reason: string }[] = [
  {
    from: 'server/dual-protocol-server.ts',
    to: 'connect/rest/',
    reason:
      'client certificates (mutual TLS) for both listeners are checked with connect/rest/client-certificates.ts; shared TLS code needs a folder both may import',
  },
  {
    from: 'planner/',
    to: 'serde/',
    reason:
      'DECIMAL arithmetic and Java number text (parseDecimal, rescaleDecimal, formatDecimal, …) live in serde/; the table gives them to types/',
  },
  {
    from: 'server/row-json.ts',
    to: 'serde/',
    reason:
      'query rows are written as JSON with formatDecimal from serde/, which belongs in types/ (see planner/)',
  },
  {
    from: 'server/row-json.ts',
    to: 'types/',
    reason: "query rows are written as JSON from the engine's SQL values; the table's server row lacks types",
  },
  {
    from: 'cli/topic/',
    to: 'log/',
    reason:
      'the topic tools produce, consume and describe on the Log app/ opens for them; the table lets cli import only app and the server client',
  },
  {
    from: 'cli/plugin/',
    to: 'connect/plugins/',
    reason:
      'sluice plugin installs, lists and removes packages with connect/plugins/; the table has no row for it',
  },
  {
    from: 'cli/plugin/',
    to: 'connectors/',
    reason: 'sluice plugin list shows the built-in connectors; the table has no row for it',
  },
  {
    from: 'testing/test-case-runner.ts',
    to: 'registry/',
    reason:
      "a test case's AVRO schemas live in a Schema Registry of its own over the test's log; the table's testing row lacks registry",
  },
  {
    from: 'connect/converters/registry-converter.ts',
    to: 'registry/',
    reason:
      "Confluent's registry converters reach the Schema Registry with registry/'s HTTP client (basic/bearer auth, TLS, fail-over), one client for SQL and Connect; the table's connect row lacks registry",
  },
  {
    from: 'cli/main.ts',
    to: 'testing/',
    reason: "sluice test-runner is testing/'s command; the table has no row for it",
  },
];

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');

/** The folder (table row, or sub-folder with its own index.ts) a path under src/ belongs to. */
function unitOf(path: string): string {
  const [top, sub] = path.split('/');
  if (top === 'connect')
    return existsSync(join(SRC, 'connect', sub)) && sub.indexOf('.') < 0 ? `connect/${sub}` : 'connect';
  if (top === 'server' && sub === 'client') return 'server/client';
  return top;
}

function rowOf(unit: string): string {
  return unit.split('/')[0];
}

function isTestCode(path: string): boolean {
  return /\.(test|fixture)\.ts$/.test(path);
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

interface Import {
  readonly from: string;
  readonly to: string;
}

/**
 * The relative module specifiers a file imports: `… from './x.js'` (imports, type imports and
 * re-exports, over several lines too), `import './x.js'` and `import('./x.js')`. Our own modules are
 * always imported relatively; packages are not our folders.
 */
function importSpecifiers(text: string): string[] {
  const patterns = [
    /\bfrom\s+['"](\.[^'"]*)['"]/g,
    /^\s*import\s+['"](\.[^'"]*)['"]/gm,
    /\bimport\(\s*['"](\.[^'"]*)['"]\s*\)/g,
  ];
  return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[1]));
}

/** Every import of a module in another folder, by every file under src/. */
function crossFolderImports(): Import[] {
  const found: Import[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file);
    for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
      const to = relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts');
      if (unitOf(to) !== unitOf(from)) found.push({ from, to });
    }
  }
  return found;
}

function allowed(fromUnit: string, toUnit: string): boolean {
  const may = MAY_IMPORT[rowOf(fromUnit)];
  if (may === undefined) return false;
  if (may === 'everything' || rowOf(fromUnit) === rowOf(toUnit) || IMPORTED_BY_ALL.includes(toUnit))
    return true;
  return may.some((m) => m === toUnit || m === rowOf(toUnit));
}

/** What is wrong with one import, if anything. */
function problem(imp: Import): string | undefined {
  const fromUnit = unitOf(imp.from);
  const toUnit = unitOf(imp.to);
  const surface = `${toUnit}/index.ts`;
  // Tests and their fixtures wire what they test, as a composition root does: any folder, but still
  // through its public surface or its fixtures.
  const test = isTestCode(imp.from);
  if (!test && !allowed(fromUnit, toUnit))
    return `${fromUnit}/ may not import ${toUnit}/ (DESIGN.md's table)`;
  if (imp.to !== surface && !(test && imp.to.endsWith('.fixture.ts')))
    return `reaches into ${toUnit}/ past its index.ts`;
  return undefined;
}

test('every folder imports only what DESIGN.md allows, through the other folder index.ts', () => {
  const imports = crossFolderImports();
  assert.ok(
    imports.length > 100,
    `found only ${imports.length} imports between folders: is ${SRC} the source?`,
  );
  const violations: string[] = [];
  const used = new Set<(typeof EXCEPTIONS)[number]>();
  for (const imp of imports) {
    const wrong = problem(imp);
    if (wrong === undefined) continue;
    const exception = EXCEPTIONS.find((e) => imp.from.startsWith(e.from) && imp.to.startsWith(e.to));
    if (exception !== undefined) {
      used.add(exception);
      continue;
    }
    violations.push(`${imp.from} → ${imp.to}: ${wrong}`);
  }
  assert.deepEqual(violations, [], `imports outside the layout:\n${violations.join('\n')}`);
  const stale = EXCEPTIONS.filter((e) => !used.has(e)).map((e) => `${e.from} → ${e.to}`);
  assert.deepEqual(stale, [], 'exceptions no import needs any more: remove them');
});

test('the layout check tells a forbidden import, a reach past index.ts and an allowed one apart', () => {
  assert.match(
    problem({ from: 'sql/parser.ts', to: 'engine/index.ts' }) ?? '',
    /sql\/ may not import engine\//,
  );
  assert.match(problem({ from: 'engine/ddl.ts', to: 'planner/binder.ts' }) ?? '', /past its index\.ts/);
  assert.match(
    problem({ from: 'connectors/file/file-stream-source.ts', to: 'connect/worker/index.ts' }) ?? '',
    /connectors\/ may not import connect\/worker\//,
  );
  assert.equal(problem({ from: 'engine/ddl.ts', to: 'connect/client/index.ts' }), undefined);
  assert.equal(problem({ from: 'app/server-process.ts', to: 'engine/index.ts' }), undefined);
  // Tests wire what they test: any folder, through its index.ts or its fixtures.
  assert.equal(problem({ from: 'engine/x.test.ts', to: 'connect/worker/test-worker.fixture.ts' }), undefined);
  assert.match(
    problem({ from: 'engine/x.test.ts', to: 'connect/worker/herder.ts' }) ?? '',
    /past its index\.ts/,
  );
});
