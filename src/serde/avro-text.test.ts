import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AvroWriter } from './avro-binary.js';
import { parseAvroSchema } from './avro-schema.js';
import { avroDatumText } from './avro-text.js';

test('an Avro datum is shown as GenericData.toString shows it: records, maps, enums, bytes, fixed, unions', () => {
  const schema = parseAvroSchema(
    JSON.stringify({
      type: 'record',
      name: 'R',
      fields: [
        { name: 's', type: ['null', 'string'] },
        { name: 'm', type: { type: 'map', values: 'int' } },
        { name: 'e', type: { type: 'enum', name: 'E', symbols: ['A', 'B'] } },
        { name: 'b', type: 'bytes' },
        { name: 'f', type: { type: 'fixed', name: 'F', size: 2 } },
        { name: 'd', type: 'double' },
      ],
    }),
  );
  const w = new AvroWriter();
  w.reset();
  w.writeLong(1); // union branch string
  w.writeString('a\n"b"');
  w.writeLong(1); // one map entry
  w.writeString('k');
  w.writeLong(-3);
  w.writeLong(0); // end of map
  w.writeLong(1); // enum B
  w.writeBytes(Buffer.from('hi'));
  w.writeByte(1);
  w.writeByte(255);
  w.writeDouble(2);
  assert.equal(
    avroDatumText(schema, w.take(), 0),
    '{"s": "a\\n\\"b\\"", "m": {"k": -3}, "e": "B", "b": {"bytes": "hi"}, "f": [1, -1], "d": 2.0}',
  );
});

test('a top-level string is shown bare, and data that ends early throws', () => {
  const w = new AvroWriter();
  w.reset();
  w.writeString('plain');
  assert.equal(avroDatumText(parseAvroSchema('"string"'), w.take(), 0), 'plain');
  assert.throws(() => avroDatumText(parseAvroSchema('"string"'), Buffer.from([0x0a]), 0));
});
