import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ClosedSessions,
  ClosedTimeWindows,
  deserializeSessionWindowedKey,
  deserializeTimeWindowedKey,
  parseWindowSize,
  resolveWindow,
  type Session,
  SessionMerger,
  serializeSessionWindowedKey,
  serializeTimeWindowedKey,
  TimeWindowAssigner,
  timeWindowsFor,
} from './index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('window specs', () => {
  test('grace defaults to 24h less the size with EMIT CHANGES, to 0 with EMIT FINAL; retention to size + grace', () => {
    assert.deepEqual(resolveWindow({ kind: 'TUMBLING', sizeMs: HOUR }, 'CHANGES'), {
      kind: 'TUMBLING',
      sizeMs: HOUR,
      graceMs: DAY - HOUR,
      retentionMs: DAY,
    });
    assert.equal(resolveWindow({ kind: 'TUMBLING', sizeMs: 2 * DAY }, 'CHANGES').graceMs, 0);
    assert.equal(resolveWindow({ kind: 'SESSION', gapMs: HOUR }, 'CHANGES').graceMs, DAY - HOUR);
    const final = resolveWindow({ kind: 'HOPPING', sizeMs: 1000, advanceMs: 100 }, 'FINAL');
    assert.equal(final.graceMs, 0);
    assert.equal(final.retentionMs, 1000);
    assert.equal(
      resolveWindow({ kind: 'TUMBLING', sizeMs: 1000, graceMs: 10, retentionMs: 5000 }, 'CHANGES')
        .retentionMs,
      5000,
    );
  });

  test('refuses windows that cannot run, naming the clause', () => {
    assert.throws(
      () => resolveWindow({ kind: 'TUMBLING', sizeMs: 0 }, 'CHANGES'),
      /TUMBLING window's SIZE must be a positive/,
    );
    assert.throws(
      () => resolveWindow({ kind: 'HOPPING', sizeMs: 100, advanceMs: 200 }, 'CHANGES'),
      /ADVANCE BY \(200 ms\) must not exceed its SIZE/,
    );
    assert.throws(
      () => resolveWindow({ kind: 'TUMBLING', sizeMs: 100, graceMs: 50, retentionMs: 120 }, 'CHANGES'),
      /RETENTION \(120 ms\) must be no smaller than its size plus grace period \(150 ms\)/,
    );
  });

  test('parses WINDOW_SIZE as ksqlDB writes it', () => {
    assert.equal(parseWindowSize('10 SECONDS'), 10_000);
    assert.equal(parseWindowSize('1 hour'), HOUR);
    assert.throws(() => parseWindowSize('ten seconds'), /Invalid WINDOW_SIZE 'ten seconds'/);
    assert.throws(() => parseWindowSize('10 FORTNIGHTS'), /Unknown time unit 'FORTNIGHTS'/);
  });
});

describe('time windows', () => {
  test('a tumbling window starts at t − t mod size', () => {
    assert.deepEqual(timeWindowsFor(12_345, 10_000), [{ start: 10_000, end: 20_000 }]);
    assert.deepEqual(timeWindowsFor(0, 10_000), [{ start: 0, end: 10_000 }]);
  });

  test('a hopping record falls in every window that contains it, none starting before 0', () => {
    assert.deepEqual(
      timeWindowsFor(25, 30, 10).map((w) => w.start),
      [0, 10, 20],
    );
    assert.deepEqual(
      timeWindowsFor(5, 30, 10).map((w) => w.start),
      [0],
    );
    assert.deepEqual(
      timeWindowsFor(100, 30, 10).map((w) => w.start),
      [80, 90, 100],
    );
  });

  test('a window takes a record while its end is after stream time − grace; a hopping record can be partly late', () => {
    const assigner = new TimeWindowAssigner(30, 10, 5);
    assert.deepEqual(
      assigner.assign(100).map((w) => w.late),
      [false, false, false],
    );
    // Stream time 100, close time 95: windows [50, 80) and [60, 90) closed, [70, 100) still open.
    assert.deepEqual(
      assigner.assign(75).map((w) => [w.start, w.late]),
      [
        [50, true],
        [60, true],
        [70, false],
      ],
    );
    assert.equal(assigner.streamTime, 100);
  });

  test('EMIT FINAL emits each window once, when close time passes its end', () => {
    const closed = new ClosedTimeWindows(10);
    assert.equal(closed.advance(5), undefined);
    assert.deepEqual(closed.advance(25), { fromStart: 0, toStart: 15 });
    assert.equal(closed.advance(25), undefined);
    assert.deepEqual(closed.advance(30), { fromStart: 16, toStart: 20 });
  });
});

describe('session windows', () => {
  const count = {
    initialize: () => 0,
    merge: (a: number, b: number) => a + b,
    aggregate: (a: number) => a + 1,
  };

  test('a record within the gap of two sessions merges them, removing both', () => {
    const merger = new SessionMerger(10, 100);
    const found: Session<number>[] = [
      { start: 0, end: 5, value: 2 },
      { start: 20, end: 30, value: 3 },
    ];
    assert.deepEqual(merger.searchBounds(12), { earliestEnd: 2, latestStart: 22 });
    const update = merger.update(12, found, count);
    assert.deepEqual(update, { late: false, removed: found, start: 0, end: 30, value: 6 });
  });

  test('a record alone starts [t, t] and removes nothing', () => {
    const merger = new SessionMerger(10, 0);
    assert.deepEqual(merger.update(50, [], count), {
      late: false,
      removed: [],
      start: 50,
      end: 50,
      value: 1,
    });
    // Another record at the same time finds that session; the window is unchanged, so nothing is removed.
    assert.deepEqual(merger.update(50, [{ start: 50, end: 50, value: 1 }], count), {
      late: false,
      removed: [],
      start: 50,
      end: 50,
      value: 2,
    });
  });

  test('a session ending before stream time − grace − gap is late', () => {
    const merger = new SessionMerger(10, 5);
    merger.update(100, [], count);
    assert.equal(merger.closeTime, 85);
    assert.deepEqual(merger.update(84, [], count), { late: true, start: 84, end: 84 });
    assert.equal(merger.update(85, [], count).late, false);
  });

  test('EMIT FINAL emits sessions whose end lies between the previous and the current close time', () => {
    const closed = new ClosedSessions();
    assert.deepEqual(closed.advance(10), { fromEnd: 0, toEnd: 9 });
    assert.equal(closed.advance(10), undefined);
    assert.deepEqual(closed.advance(20), { fromEnd: 10, toEnd: 19 });
  });
});

describe('windowed keys', () => {
  test('a time-windowed key is the key bytes and the 8-byte big-endian start', () => {
    const bytes = serializeTimeWindowedKey(Buffer.from('"k"'), 1_581_323_504_000);
    assert.equal(bytes.toString('hex'), `226b22${(1_581_323_504_000).toString(16).padStart(16, '0')}`);
    assert.deepEqual(deserializeTimeWindowedKey(bytes, 60_000), {
      key: Buffer.from('"k"'),
      window: { start: 1_581_323_504_000, end: 1_581_323_564_000 },
    });
  });

  test('a session-windowed key is the key bytes, the 8-byte end and the 8-byte start', () => {
    const key = Buffer.from([0, 0, 0, 7]); // a KAFKA INTEGER key
    const bytes = serializeSessionWindowedKey(key, { start: 100, end: 600 });
    assert.equal(bytes.toString('hex'), '00000007' + '0000000000000258' + '0000000000000064');
    assert.deepEqual(deserializeSessionWindowedKey(bytes), { key, window: { start: 100, end: 600 } });
  });

  test('a key too short for its window is refused, saying why', () => {
    assert.throws(() => deserializeTimeWindowedKey(Buffer.from('abc'), 10), /needs at least 8 bytes/);
    assert.throws(() => deserializeSessionWindowedKey(Buffer.alloc(15)), /needs at least 16 bytes/);
  });
});
