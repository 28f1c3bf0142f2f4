import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseStatements } from '../sql/index.js';
import { maskConnectorStatement } from './connector-statements.js';

function masked(text: string): string {
  const [p] = parseStatements(text);
  return maskConnectorStatement(p.statement, p.text);
}

describe('masking connector statements', () => {
  test('replaces each value where the parser found it, keeping the rest as written', () => {
    assert.equal(
      masked(
        "CREATE SINK CONNECTOR `s` WITH (\n  'connector.class' = 'Jdbc', -- the class stays\n  'password' = 'topic', 'topic'=-5\n)",
      ),
      "CREATE SINK CONNECTOR `s` WITH (\n  'connector.class' = 'Jdbc', -- the class stays\n  'password' = '[string]', 'topic'='[string]'\n)",
    );
  });

  test('a value equal to a key or to the class is masked only where it is a value', () => {
    assert.equal(
      masked("CREATE SOURCE CONNECTOR c WITH ('connector.class'='x', 'x'='connector.class')"),
      "CREATE SOURCE CONNECTOR c WITH ('connector.class'='x', 'x'='[string]')",
    );
  });

  test('a statement built rather than parsed is printed with its values masked', () => {
    const [p] = parseStatements("ALTER CONNECTOR c SET ('password'='hunter2')");
    if (p.statement.kind !== 'alterConnector') throw new Error('not an ALTER');
    const built = { ...p.statement, properties: p.statement.properties.map((x) => ({ ...x })) };
    built.properties[0] = { key: 'password', value: { kind: 'string', value: 'hunter2' } };
    const shown = maskConnectorStatement(built, 'ALTER CONNECTOR c SET (...)');
    assert.ok(!shown.includes('hunter2'), shown);
    assert.match(shown, /'\[string\]'/);
  });
});
