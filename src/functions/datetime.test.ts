import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BIGINT, DATE, INTEGER, STRING, TIME, TIMESTAMP } from '../types/index.js';
import { call } from './call-function.fixture.js';

const S = STRING;
const TS = TIMESTAMP;
const NEW_YEAR_2021 = Date.UTC(2021, 0, 1); // a Friday
const days = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;
const time = (h: number, m: number, s = 0, ms = 0) => ((h * 60 + m) * 60 + s) * 1000 + ms;

const format = (ts: number, pattern: string, zone?: string) =>
  zone === undefined
    ? call('FORMAT_TIMESTAMP', [TS, S], [ts, pattern])
    : call('FORMAT_TIMESTAMP', [TS, S, S], [ts, pattern, zone]);
const parse = (text: string, pattern: string, zone?: string) =>
  zone === undefined
    ? call('PARSE_TIMESTAMP', [S, S], [text, pattern])
    : call('PARSE_TIMESTAMP', [S, S, S], [text, pattern, zone]);

describe('FORMAT_TIMESTAMP', () => {
  test('writes Java patterns in UTC by default', () => {
    assert.equal(format(NEW_YEAR_2021 + 1234, 'yyyy-MM-dd HH:mm:ss.SSS'), '2021-01-01 00:00:01.234');
    assert.equal(format(NEW_YEAR_2021, "yyyy-MM-dd'T'HH:mm:ssX"), '2021-01-01T00:00:00Z');
  });

  test('writes the wall-clock time and offset of the given zone', () => {
    assert.equal(format(NEW_YEAR_2021, 'yyyy-MM-dd HH:mm:ss', 'America/Los_Angeles'), '2020-12-31 16:00:00');
    // The docs' 'yyyy-MM-dd''T''HH:mm:ssX' is a SQL literal; the pattern itself is yyyy-MM-dd'T'HH:mm:ssX.
    assert.equal(format(NEW_YEAR_2021, "yyyy-MM-dd'T'HH:mm:ssX", 'Asia/Kolkata'), '2021-01-01T05:30:00+0530');
    assert.equal(format(NEW_YEAR_2021, 'HH:mm XXX', 'Asia/Kolkata'), '05:30 +05:30');
    assert.equal(format(NEW_YEAR_2021, 'HH:mm xx Z', 'UTC'), '00:00 +0000 +0000');
    assert.equal(format(NEW_YEAR_2021, 'HH:mm X', '-08:00'), '16:00 -08');
    assert.equal(format(NEW_YEAR_2021, 'HH:mm VV', 'Europe/London'), '00:00 Europe/London');
    assert.equal(format(Date.UTC(2021, 6, 1, 12), 'HH:mm z', 'America/Los_Angeles'), '05:00 PDT');
    assert.equal(format(NEW_YEAR_2021, 'HH:mm', 'PST'), '16:00');
  });

  test('follows daylight saving time', () => {
    assert.equal(format(Date.UTC(2021, 6, 1, 12), 'HH:mm XXX', 'Europe/London'), '13:00 +01:00');
    assert.equal(format(Date.UTC(2021, 0, 1, 12), 'HH:mm XXX', 'Europe/London'), '12:00 Z');
  });

  test('writes names, quoted text and 12-hour clocks', () => {
    assert.equal(format(NEW_YEAR_2021, "EEEE, d MMMM yyyy 'at' h a"), 'Friday, 1 January 2021 at 12 AM');
    assert.equal(format(NEW_YEAR_2021 + time(13, 5), 'EEE MMM dd hh:mm a'), 'Fri Jan 01 01:05 PM');
    assert.equal(format(NEW_YEAR_2021, "yyyy-MM-dd'T'"), '2021-01-01T');
    assert.equal(format(NEW_YEAR_2021, "h 'o''clock' a"), "12 o'clock AM");
    assert.equal(format(NEW_YEAR_2021, "''yy''"), "'21'");
    assert.equal(format(Date.UTC(2021, 11, 31), 'D yy G Q'), '365 21 AD 4');
    assert.equal(format(NEW_YEAR_2021 + 7, 'ss.SSSSSS'), '00.007000');
  });

  test('handles instants before 1970', () => {
    assert.equal(
      format(Date.UTC(1969, 11, 31, 23, 59, 59, 999), 'yyyy-MM-dd HH:mm:ss.SSS'),
      '1969-12-31 23:59:59.999',
    );
  });

  test('rejects unknown zones and unsupported pattern letters', () => {
    assert.throws(() => format(0, 'yyyy', 'Mars/Olympus'), /unknown time zone 'Mars\/Olympus'/);
    assert.throws(() => format(0, 'YYYY'), /pattern letter 'Y' is not supported/);
    assert.throws(() => format(0, "yyyy 'unclosed"), /unclosed quote/);
  });

  test('returns NULL for any NULL argument', () => {
    assert.equal(format(null as unknown as number, 'yyyy'), null);
    assert.equal(call('FORMAT_TIMESTAMP', [TS, S, S], [0, 'yyyy', null]), null);
  });
});

describe('PARSE_TIMESTAMP', () => {
  test('reads text in UTC by default, filling missing fields from 1970-01-01 00:00', () => {
    assert.equal(parse('2021-01-01 00:00:01.234', 'yyyy-MM-dd HH:mm:ss.SSS'), NEW_YEAR_2021 + 1234);
    assert.equal(parse('2021-01-01', 'yyyy-MM-dd'), NEW_YEAR_2021);
    assert.equal(parse('12:30', 'HH:mm'), time(12, 30));
  });

  test('moves a day past the end of the month back to its last day, as the ksqlDB docs show', () => {
    assert.equal(
      parse('2021-06-31 12:18:39.446', 'yyyy-MM-dd HH:mm:ss.SSS'),
      Date.UTC(2021, 5, 30, 12, 18, 39, 446),
    );
  });

  test('reads the text in the given zone', () => {
    assert.equal(parse('2021-07-01 12:00', 'yyyy-MM-dd HH:mm', 'America/New_York'), Date.UTC(2021, 6, 1, 16));
    assert.equal(parse('2021-01-01 12:00', 'yyyy-MM-dd HH:mm', 'America/New_York'), Date.UTC(2021, 0, 1, 17));
    assert.equal(parse('2021-01-01 05:30', 'yyyy-MM-dd HH:mm', '+05:30'), NEW_YEAR_2021);
  });

  test('prefers an offset or zone written in the text to the zone argument', () => {
    assert.equal(
      parse('2021-01-01T05:30:00+0530', "yyyy-MM-dd'T'HH:mm:ssX", 'America/New_York'),
      NEW_YEAR_2021,
    );
    assert.equal(parse('2021-01-01T00:00:00Z', "yyyy-MM-dd'T'HH:mm:ssX"), NEW_YEAR_2021);
    assert.equal(parse('2021-01-01 01:00 +01:00', 'yyyy-MM-dd HH:mm XXX'), NEW_YEAR_2021);
    assert.equal(parse('2020-12-31 16:00 America/Los_Angeles', 'yyyy-MM-dd HH:mm VV'), NEW_YEAR_2021);
    assert.equal(parse('2020-12-31 19:00 EST', 'yyyy-MM-dd HH:mm z'), NEW_YEAR_2021);
  });

  test('moves times in a daylight saving gap forward and takes the earlier offset in an overlap', () => {
    assert.equal(
      parse('2021-03-14 02:30', 'yyyy-MM-dd HH:mm', 'America/New_York'),
      Date.UTC(2021, 2, 14, 7, 30),
    );
    assert.equal(
      parse('2021-11-07 01:30', 'yyyy-MM-dd HH:mm', 'America/New_York'),
      Date.UTC(2021, 10, 7, 5, 30),
    );
    assert.equal(
      parse('2021-10-31 01:30', 'yyyy-MM-dd HH:mm', 'Europe/London'),
      Date.UTC(2021, 9, 31, 0, 30),
    );
  });

  test('reads adjacent numeric fields at their widths, names, 12-hour clocks and optional sections', () => {
    assert.equal(parse('20210101123000', 'yyyyMMddHHmmss'), NEW_YEAR_2021 + time(12, 30));
    assert.equal(parse('Fri, 1 Jan 2021 01:05 PM', 'EEE, d MMM yyyy hh:mm a'), NEW_YEAR_2021 + time(13, 5));
    assert.equal(parse('12:00 AM', 'hh:mm a'), 0);
    assert.equal(parse('2021-01-01', 'yyyy-MM-dd[ HH:mm]'), NEW_YEAR_2021);
    assert.equal(parse('2021-01-01 10:15', 'yyyy-MM-dd[ HH:mm]'), NEW_YEAR_2021 + time(10, 15));
    assert.equal(parse('21-01-01', 'yy-MM-dd'), NEW_YEAR_2021);
  });

  test('rejects text that does not fit the pattern, naming both', () => {
    assert.throws(
      () => parse('2021/01/01', 'yyyy-MM-dd'),
      /Text '2021\/01\/01' could not be parsed with pattern 'yyyy-MM-dd'/,
    );
    assert.throws(
      () => parse('2021-13-01', 'yyyy-MM-dd'),
      /Invalid value for MonthOfYear \(valid values 1 - 12\): 13/,
    );
    assert.throws(() => parse('2021-01-01 extra', 'yyyy-MM-dd'), /unparsed text/);
    assert.throws(() => parse('2021-1-01', 'yyyy-MM-dd'), /could not be parsed/);
  });
});

describe('deprecated BIGINT and INTEGER variants', () => {
  test('TIMESTAMPTOSTRING and STRINGTOTIMESTAMP work on BIGINT milliseconds', () => {
    assert.equal(
      call('TIMESTAMPTOSTRING', [BIGINT, S], [1609459200000n, 'yyyy-MM-dd HH:mm']),
      '2021-01-01 00:00',
    );
    assert.equal(
      call('TIMESTAMPTOSTRING', [BIGINT, S, S], [1609459200000n, 'yyyy-MM-dd HH:mm', 'Europe/Paris']),
      '2021-01-01 01:00',
    );
    assert.equal(call('STRINGTOTIMESTAMP', [S, S], ['2021-01-01 00:00', 'yyyy-MM-dd HH:mm']), 1609459200000n);
    assert.equal(
      call('STRINGTOTIMESTAMP', [S, S, S], ['2021-01-01 01:00', 'yyyy-MM-dd HH:mm', 'Europe/Paris']),
      1609459200000n,
    );
  });

  test('DATETOSTRING and STRINGTODATE work on INTEGER days since the epoch', () => {
    assert.equal(call('DATETOSTRING', [INTEGER, S], [18628, 'yyyy-MM-dd']), '2021-01-01');
    assert.equal(call('STRINGTODATE', [S, S], ['2021-01-01', 'yyyy-MM-dd']), 18628);
  });
});

describe('DATE and TIME formatting', () => {
  test('FORMAT_DATE and PARSE_DATE convert days since the epoch', () => {
    assert.equal(call('FORMAT_DATE', [DATE, S], [days(2021, 10, 11), 'dd/MM/yyyy']), '11/10/2021');
    assert.equal(call('PARSE_DATE', [S, S], ['2021-10-11', 'yyyy-MM-dd']), days(2021, 10, 11));
    assert.equal(call('PARSE_DATE', [S, S], ['1969-12-31', 'yyyy-MM-dd']), -1);
    assert.throws(() => call('FORMAT_DATE', [DATE, S], [0, 'yyyy HH']), /Unsupported field: HourOfDay/);
  });

  test('FORMAT_TIME and PARSE_TIME convert milliseconds of the day', () => {
    assert.equal(call('FORMAT_TIME', [TIME, S], [time(13, 25, 7, 42), 'HH:mm:ss.SSS']), '13:25:07.042');
    assert.equal(call('FORMAT_TIME', [TIME, S], [time(0, 5), "'T'HH:mm"]), 'T00:05');
    assert.equal(call('PARSE_TIME', [S, S], ['13:25', 'HH:mm']), time(13, 25));
    assert.throws(() => call('FORMAT_TIME', [TIME, S], [0, 'yyyy']), /Unsupported field: YearOfEra/);
  });
});

describe('date and time arithmetic', () => {
  test('DATEADD and DATESUB move a DATE by whole days of the unit', () => {
    assert.equal(call('DATEADD', [S, INTEGER, DATE], ['DAYS', 3, days(2021, 1, 30)]), days(2021, 2, 2));
    assert.equal(call('DATESUB', [S, INTEGER, DATE], ['DAYS', 1, 0]), -1);
    assert.equal(call('DATEADD', [S, INTEGER, DATE], ['HOURS', 48, 0]), 2);
    assert.equal(call('DATEADD', [S, INTEGER, DATE], ['DAYS', null, 0]), null);
  });

  test('TIMESTAMPADD and TIMESTAMPSUB add units of time, singular or plural', () => {
    assert.equal(
      call('TIMESTAMPADD', [S, INTEGER, TS], ['HOURS', 2, NEW_YEAR_2021]),
      NEW_YEAR_2021 + 7_200_000,
    );
    assert.equal(
      call('TIMESTAMPSUB', [S, INTEGER, TS], ['minute', 1, NEW_YEAR_2021]),
      NEW_YEAR_2021 - 60_000,
    );
    assert.equal(call('TIMESTAMPADD', [S, INTEGER, TS], ['MILLISECONDS', 5, 0]), 5);
    assert.throws(
      () => call('TIMESTAMPADD', [S, INTEGER, TS], ['FORTNIGHTS', 1, 0]),
      /unknown time unit 'FORTNIGHTS'/,
    );
  });

  test('TIMEADD and TIMESUB wrap around midnight', () => {
    assert.equal(call('TIMEADD', [S, INTEGER, TIME], ['HOURS', 2, time(23, 0)]), time(1, 0));
    assert.equal(call('TIMESUB', [S, INTEGER, TIME], ['MINUTES', 30, time(0, 10)]), time(23, 40));
  });

  test('CONVERT_TZ shifts a timestamp by the difference between two zones', () => {
    assert.equal(
      call('CONVERT_TZ', [TS, S, S], [NEW_YEAR_2021, 'UTC', 'America/Los_Angeles']),
      NEW_YEAR_2021 - 8 * 3_600_000,
    );
    assert.equal(
      call('CONVERT_TZ', [TS, S, S], [NEW_YEAR_2021, 'Asia/Kolkata', 'UTC']),
      NEW_YEAR_2021 - 5.5 * 3_600_000,
    );
  });

  test('UNIX_TIMESTAMP, UNIX_DATE, FROM_UNIXTIME and FROM_DAYS convert between representations', () => {
    assert.equal(call('UNIX_TIMESTAMP', [TS], [NEW_YEAR_2021]), 1609459200000n);
    const now = call('UNIX_TIMESTAMP', [], []) as bigint;
    assert.ok(typeof now === 'bigint' && Number(now) > NEW_YEAR_2021);
    assert.equal(call('UNIX_DATE', [DATE], [18628]), 18628);
    assert.equal(call('UNIX_DATE', [], []), Math.floor(Date.now() / 86_400_000));
    assert.equal(call('FROM_UNIXTIME', [BIGINT], [1609459200000n]), NEW_YEAR_2021);
    assert.equal(call('FROM_DAYS', [INTEGER], [18628]), 18628);
  });
});
