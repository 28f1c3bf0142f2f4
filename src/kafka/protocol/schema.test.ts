import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  apiVersionsTooNewFrame,
  decodeRequestFrame,
  encodeResponseFrame,
  encodeResponsePieces,
} from '../broker/frames.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { MalformedRequestError } from './malformed.js';
import { API_VERSIONS, FETCH, METADATA, PRODUCE } from './messages.js';
import { decodeStruct, encodeStruct, type Struct } from './schema.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('request frames', () => {
  test('decodes the ApiVersions v3 request librdkafka 2.0.2 (kcat) sends, header v2 included', () => {
    // Captured from kcat 1.7.1: api key 18, version 3, correlation id 1, client id "rdkafka", no
    // header tags, ClientSoftwareName "librdkafka", ClientSoftwareVersion "2.0.2", no tags.
    const frame = hex('0012 0003 00000001 0007 72646b61666b61 00 0b 6c696272646b61666b61 06 322e302e32 00');
    const decoded = decodeRequestFrame(frame);
    assert.equal(decoded.kind, 'request');
    assert.deepEqual(decoded.header, { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'rdkafka' });
    if (decoded.kind === 'request') {
      assert.deepEqual(decoded.body, { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
    }
  });

  test('reads Metadata v1 null topics as "all" and v9 compact topics with tagged fields skipped', () => {
    const v1 = decodeRequestFrame(hex('0003 0001 00000007 ffff ffffffff'));
    assert.equal(v1.kind === 'request' && v1.body.topics, null);
    // v9: header tags {tag 5: 2 bytes}, topics [ "ab" with no tags ], allowAuto true, include cluster and
    // topic operations false, body tags none.
    const v9 = decodeRequestFrame(hex('0003 0009 00000008 0000 01 05 02 aaaa 02 03 6162 00 01 00 00 00'));
    assert.equal(v9.kind, 'request');
    if (v9.kind === 'request') {
      assert.deepEqual(v9.body.topics, [{ topicId: Buffer.alloc(16), name: 'ab' }]);
      assert.equal(v9.body.allowAutoTopicCreation, true);
    }
  });

  test('refuses a truncated body, a lying array count and an unknown API as malformed', () => {
    for (const frame of [
      hex('0003 0001 00000007 ffff 00000001 0005 61'), // a topic name of 5 bytes with 1 there
      hex('0003 0001 00000007 ffff 7fffffff'), // 2^31-1 topics in no bytes
      hex('03e7 0000 00000001 ffff'), // API key 999
      hex('0000 0002 00000001 ffff'), // Produce v2: message format 1
    ]) {
      assert.throws(() => decodeRequestFrame(frame), MalformedRequestError, frame.toString('hex'));
    }
  });

  test('answers an ApiVersions newer than ours in v0 layout with UNSUPPORTED_VERSION and our range', () => {
    const decoded = decodeRequestFrame(hex('0012 0009 0000002a 0000 00'));
    assert.equal(decoded.kind, 'api-versions-too-new');
    assert.equal(
      apiVersionsTooNewFrame(42).toString('hex'),
      '00000010' + '0000002a' + '0023' + '00000001' + '0012 0000 0004'.replace(/ /g, ''),
    );
  });
});

describe('response frames', () => {
  test('a Fetch response sends its large record batches as attached pieces: the same bytes, one writev', () => {
    const batches = [Buffer.alloc(5000, 0xaa), Buffer.alloc(100, 0xbb), Buffer.alloc(70_000, 0xcc)];
    const body = (records: Buffer | Buffer[]) => ({
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 't'.repeat(300), // a long name grows the writer's buffer before and after the batches
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 3,
              lastStableOffset: 3,
              logStartOffset: 0,
              abortedTransactions: null,
              preferredReadReplica: -1,
              records,
            },
            {
              partitionIndex: 1,
              errorCode: 0,
              highWatermark: 0,
              lastStableOffset: 0,
              logStartOffset: 0,
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: Buffer.alloc(0),
            },
          ],
        },
      ],
    });
    const pieces = encodeResponsePieces(FETCH, 12, 9, body(batches));
    // Own bytes, the 5,000-byte batch, own bytes with the small batch copied in, the 70,000-byte batch, own bytes.
    assert.equal(pieces.length, 5);
    assert.equal(pieces[1], batches[0]);
    assert.equal(pieces[3], batches[2]);
    const whole = Buffer.concat(pieces);
    assert.equal(whole.readInt32BE(0), whole.length - 4);
    assert.deepEqual(whole, encodeResponseFrame(FETCH, 12, 9, body(Buffer.concat(batches))));
    // Read back: size, correlation id, the header's tags, then the body with the batches whole.
    const back = decodeStruct(new ByteReader(whole, 9), FETCH.response, 12, true);
    const partitions = (back.responses as Struct[])[0].partitions as Struct[];
    assert.deepEqual(partitions[0].records, Buffer.concat(batches));
    assert.equal(partitions[1].partitionIndex, 1);
  });

  test('ApiVersions v3 keeps response header v0 and writes compact arrays and tags', () => {
    const frame = encodeResponseFrame(API_VERSIONS, 3, 5, {
      errorCode: 0,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
      throttleTimeMs: 0,
    });
    assert.equal(
      frame.toString('hex'),
      ['00000013', '00000005', '0000', '02', '0012 0000 0004 00', '00000000', '00']
        .join('')
        .replace(/ /g, ''),
    );
  });

  test('Metadata v9 uses response header v1, compact strings and null rack', () => {
    const frame = encodeResponseFrame(METADATA, 9, 1, {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
      clusterId: 'c',
      controllerId: 1,
      topics: [],
    });
    assert.equal(
      frame.toString('hex'),
      [
        '00000000',
        '00000001',
        '00',
        '00000000',
        '02',
        '00000001 02 68 00002384 00 00',
        '02 63',
        '00000001',
        '01',
        '80000000',
        '00',
      ]
        .join('')
        .replace(/ /g, '')
        .replace(/^00000000/, (frame.length - 4).toString(16).padStart(8, '0')),
    );
  });

  test('Fetch v12 writes records as compact bytes and every struct its empty tag section', () => {
    const body = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 't',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 3,
              lastStableOffset: 3,
              logStartOffset: 0,
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: hex('abcd'),
            },
          ],
        },
      ],
    };
    const w = new ByteWriter();
    encodeStruct(w, FETCH.response, 12, true, body);
    assert.equal(
      w.result().toString('hex'),
      [
        '00000000 0000 00000000',
        '02 02 74', // one topic, "t"
        '02 00000000 0000 0000000000000003 0000000000000003 0000000000000000 00 ffffffff 03 abcd 00', // partition + tags
        '00', // topic tags
        '00', // body tags
      ]
        .join('')
        .replace(/ /g, ''),
    );
    const back = decodeStruct(new ByteReader(w.result()), FETCH.response, 12, true);
    assert.deepEqual(
      (back.responses as { partitions: { records: Buffer }[] }[])[0].partitions[0].records,
      hex('abcd'),
    );
  });

  test('Produce v3 request and v8 response round-trip with nullable strings', () => {
    const request = {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records: hex('00') }] }],
    };
    const w = new ByteWriter();
    encodeStruct(w, PRODUCE.request, 3, false, request);
    assert.equal(
      w.result().toString('hex'),
      'ffff' + 'ffff' + '00007530' + '00000001 0001 74 00000001 00000000 00000001 00'.replace(/ /g, ''),
    );
    assert.deepEqual(decodeStruct(new ByteReader(w.result()), PRODUCE.request, 3, false), request);
  });
});
