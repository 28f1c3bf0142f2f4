import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadServerConfig } from '../config/index.js';
import { SegmentLog } from '../log/index.js';
import { KsqlEngine, KsqlRequestError } from './ksql-engine.js';

let engine: KsqlEngine;
let log: SegmentLog;
let dir: string;
let topic = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-formats-'));
  log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  engine = await KsqlEngine.start(log, loadServerConfig({ flags: {}, env: {} }));
});

after(async () => {
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a CREATE whose WITH clause gets a fresh topic appended, and returns its error message. */
async function refusal(statement: string): Promise<string> {
  try {
    await engine.execute(statement.replace(/\)\s*;$/, `, KAFKA_TOPIC='t${topic++}', PARTITIONS=1);`));
  } catch (err) {
    assert.ok(err instanceof KsqlRequestError, String(err));
    return err.message;
  }
  assert.fail(`expected ${statement} to be refused`);
}

test('WRAP_SINGLE_VALUE is refused where the format cannot honour it, with ksqlDB messages', async () => {
  assert.equal(
    await refusal(
      "CREATE STREAM s1 (k STRING KEY, foo INT) WITH (WRAP_SINGLE_VALUE=true, VALUE_FORMAT='DELIMITED');",
    ),
    "Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'.",
  );
  assert.equal(
    await refusal("CREATE STREAM s2 (foo INT) WITH (WRAP_SINGLE_VALUE=true, VALUE_FORMAT='KAFKA');"),
    "Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'.",
  );
  assert.equal(
    await refusal("CREATE STREAM s3 (a INT, b INT) WITH (WRAP_SINGLE_VALUE=false, VALUE_FORMAT='JSON');"),
    "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas",
  );
});

test('delimiters are checked when the source is created, with ksqlDB messages', async () => {
  assert.equal(
    await refusal("CREATE STREAM d1 (a INT) WITH (VALUE_FORMAT='DELIMITED', VALUE_DELIMITER='<~>');"),
    "Failed to prepare statement: Configuration VALUE_DELIMITER is invalid: Invalid delimiter value: '<~>'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'",
  );
  for (const blank of ['', ' ', '\t']) {
    assert.match(
      await refusal(`CREATE STREAM d2 (a INT) WITH (VALUE_FORMAT='DELIMITED', VALUE_DELIMITER='${blank}');`),
      /^Failed to prepare statement: Configuration VALUE_DELIMITER is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'$/,
    );
  }
  assert.equal(
    await refusal("CREATE STREAM d3 (a INT) WITH (VALUE_FORMAT='JSON', VALUE_DELIMITER='|');"),
    'JSON does not support the following configs: [delimiter]',
  );
  assert.equal(
    await refusal("CREATE STREAM d4 (k INT KEY, a INT) WITH (FORMAT='JSON', KEY_DELIMITER='|');"),
    'JSON does not support the following configs: [delimiter]',
  );
});

test('schemas a format cannot hold are refused with ksqlDB\'s "format does not support schema" message', async () => {
  assert.equal(
    await refusal(
      "CREATE STREAM f1 (a INT KEY, b INT KEY, v INT) WITH (KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');",
    ),
    "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`A` INTEGER KEY, `B` INTEGER KEY], features=[]}\nreason: The 'KAFKA' format only supports a single field. Got: [`A` INTEGER KEY, `B` INTEGER KEY]",
  );
  assert.equal(
    await refusal("CREATE STREAM f2 (a INT, b BIGINT) WITH (VALUE_FORMAT='KAFKA');"),
    "Value format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`A` INTEGER, `B` BIGINT], features=[]}\nreason: The 'KAFKA' format only supports a single field. Got: [`A` INTEGER, `B` BIGINT]",
  );
  assert.equal(
    await refusal("CREATE STREAM f3 (k ARRAY<DOUBLE> KEY, v INT) WITH (FORMAT='DELIMITED');"),
    "Key format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`K` ARRAY<DOUBLE> KEY], features=[]}\nreason: The 'DELIMITED' format does not support type 'ARRAY', column: `K`",
  );
  assert.equal(
    await refusal("CREATE STREAM f4 (flag BOOLEAN) WITH (VALUE_FORMAT='KAFKA', WRAP_SINGLE_VALUE=false);"),
    "Value format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`FLAG` BOOLEAN], features=[UNWRAP_SINGLES]}\nreason: The 'KAFKA' format does not support type 'BOOLEAN'",
  );
  assert.equal(
    await refusal("CREATE STREAM f5 (k MAP<STRING, DOUBLE> KEY, v INT) WITH (FORMAT='JSON');"),
    'Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `K`. Column type: MAP<STRING, DOUBLE>. See https://github.com/confluentinc/ksql/issues/6621 for more.',
  );
});

test('KEY_DELIMITER splits a DELIMITED key, and a query writing DELIMITED inherits its source delimiters', async () => {
  await engine.execute(
    "CREATE STREAM kd (k1 STRING KEY, k2 STRING KEY, v INT, v2 INT) WITH (KAFKA_TOPIC='kd', PARTITIONS=1, FORMAT='DELIMITED', KEY_DELIMITER=';', VALUE_DELIMITER='-');" +
      'CREATE STREAM kd_copy AS SELECT * FROM kd;' +
      "CREATE STREAM kd_json WITH (VALUE_FORMAT='JSON') AS SELECT * FROM kd;",
  );
  assert.deepEqual(engine.metastore.require('KD').serde, { valueDelimiter: '-', keyDelimiter: ';' });
  assert.deepEqual(engine.metastore.require('KD_COPY').serde, { valueDelimiter: '-', keyDelimiter: ';' });
  assert.deepEqual(engine.metastore.require('KD_JSON').serde, { keyDelimiter: ';' });
});

test('a query whose new key has several columns is refused by a KAFKA key format, as in ksqlDB', async () => {
  await engine.execute(
    "CREATE STREAM people (name STRING, id INT, age INT) WITH (KAFKA_TOPIC='people', PARTITIONS=1, VALUE_FORMAT='JSON');",
  );
  await assert.rejects(
    engine.execute('CREATE STREAM by_two AS SELECT id, age, name FROM people PARTITION BY id, age;'),
    (err: unknown) =>
      err instanceof KsqlRequestError &&
      err.message ===
        "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`ID` INTEGER KEY, `AGE` INTEGER KEY], features=[]}\nreason: The 'KAFKA' format only supports a single field. Got: [`ID` INTEGER KEY, `AGE` INTEGER KEY]",
  );
  await engine.execute(
    "CREATE STREAM by_two_json WITH (KEY_FORMAT='JSON') AS SELECT id, age, name FROM people PARTITION BY id, age;",
  );
  assert.equal(engine.metastore.require('BY_TWO_JSON').keyFormat, 'JSON');
});

test('a source without columns is refused as ksqlDB refuses it for formats without schema inference', async () => {
  for (const format of ['JSON', 'DELIMITED', 'KAFKA']) {
    assert.equal(
      await refusal(`CREATE STREAM none_${format} WITH (VALUE_FORMAT='${format}');`),
      'No columns supplied.',
    );
  }
});
