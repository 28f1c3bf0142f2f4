import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAssignment, decodeMetadata, encodeAssignment, encodeMetadata } from './connect-protocol.js';

test("member metadata and assignments round-trip in Kafka Connect's version-1 layout", () => {
  const allocation = new Map([['src', [-1, 0, 2]]]);
  const metadata = encodeMetadata({ url: 'http://w1:8083', configOffset: 42, allocation });
  // version 1, then the URL as an int16-length string.
  assert.deepEqual([...metadata.subarray(0, 4)], [0, 1, 0, 14]);
  assert.deepEqual(decodeMetadata(metadata), { url: 'http://w1:8083', configOffset: 42, allocation });
  assert.deepEqual(
    decodeMetadata(encodeMetadata({ url: 'u', configOffset: 0, allocation: null })).allocation,
    null,
  );
  const assignment = {
    error: 0,
    leader: 'member-1',
    leaderUrl: 'http://w1:8083',
    configOffset: 7,
    assigned: new Map([['sink', [0, 1]]]),
    revoked: new Map([['src', [-1]]]),
    delay: 300,
  };
  assert.deepEqual(decodeAssignment(encodeAssignment(assignment)), assignment);
  assert.throws(() => decodeAssignment(Buffer.from([0, 1, 0])), /ends early/);
});
