import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { STRING } from '../types/index.js';
import { call } from './call-function.fixture.js';

const S = STRING;
const one = (name: string, url: string | null) => call(name, [S], [url]);

describe('URL functions', () => {
  test('URL_ENCODE_PARAM escapes as a form parameter (space is +) and URL_DECODE_PARAM reverses it', () => {
    assert.equal(one('URL_ENCODE_PARAM', 'url encoded'), 'url+encoded');
    assert.equal(one('URL_ENCODE_PARAM', 'a&b=c/d?é*-_.'), 'a%26b%3Dc%2Fd%3F%C3%A9*-_.');
    assert.equal(one('URL_DECODE_PARAM', 'url%20encoded'), 'url encoded');
    assert.equal(one('URL_DECODE_PARAM', 'a+b%26c%C3%A9'), 'a b&cé');
    assert.equal(one('URL_DECODE_PARAM', null), null);
    assert.equal(one('URL_ENCODE_PARAM', null), null);
    assert.throws(() => one('URL_DECODE_PARAM', 'bad%zz'), /Illegal hex characters in escape/);
    assert.throws(() => one('URL_DECODE_PARAM', 'bad%2'), /Incomplete trailing escape/);
  });

  test('URL_EXTRACT_* read the parts java.net.URI reports, decoded', () => {
    const url = 'http://user@test.com:8080/path/to%20it?a=foo%20bar&b=baz#frag%20space';
    assert.equal(one('URL_EXTRACT_PROTOCOL', url), 'http');
    assert.equal(one('URL_EXTRACT_HOST', url), 'test.com');
    assert.equal(one('URL_EXTRACT_PORT', url), 8080);
    assert.equal(one('URL_EXTRACT_PATH', url), '/path/to it');
    assert.equal(one('URL_EXTRACT_QUERY', url), 'a=foo bar&b=baz');
    assert.equal(one('URL_EXTRACT_FRAGMENT', url), 'frag space');
  });

  test('a part the URL lacks is NULL, an empty path is the empty string', () => {
    assert.equal(one('URL_EXTRACT_PORT', 'http://test.com/path'), null);
    assert.equal(one('URL_EXTRACT_QUERY', 'http://test.com/path'), null);
    assert.equal(one('URL_EXTRACT_FRAGMENT', 'http://test.com'), null);
    assert.equal(one('URL_EXTRACT_PATH', 'http://test.com'), '');
    assert.equal(one('URL_EXTRACT_PROTOCOL', '/relative/path'), null);
    assert.equal(one('URL_EXTRACT_HOST', 'mailto:someone@example.com'), null);
    assert.equal(one('URL_EXTRACT_PATH', 'mailto:someone@example.com'), null);
    assert.equal(one('URL_EXTRACT_HOST', null), null);
  });

  test('URL_EXTRACT_PARAMETER finds a decoded parameter, empty when it has no value', () => {
    const p = (url: string, name: string) => call('URL_EXTRACT_PARAMETER', [S, S], [url, name]);
    assert.equal(p('http://test.com?a%20b=c%20d', 'a b'), 'c d');
    assert.equal(p('http://test.com?a=foo&b=bar', 'b'), 'bar');
    assert.equal(p('http://test.com?a=foo&flag&b=bar', 'flag'), '');
    assert.equal(p('http://test.com?a=foo', 'c'), null);
    assert.equal(p('http://test.com', 'a'), null);
  });

  test("answers as ksqlDB's own URL cases do", () => {
    assert.equal(one('URL_ENCODE_PARAM', '?foo $bar'), '%3Ffoo+%24bar');
    assert.equal(one('URL_DECODE_PARAM', '%3Ffoo+%24bar'), '?foo $bar');
    assert.equal(one('URL_EXTRACT_HOST', 'http://test@confluent.io:8080'), 'confluent.io');
    assert.equal(one('URL_EXTRACT_PATH', 'http://www.test.com?query#fragment'), '');
    assert.equal(
      one('URL_EXTRACT_PATH', 'http://test@confluent.io:8080/nested/path?query&jobs'),
      '/nested/path',
    );
    assert.equal(one('URL_EXTRACT_PROTOCOL', 'www.confluent.io'), null);
    assert.equal(one('URL_EXTRACT_QUERY', 'http://www.test.com/path?q1&q2'), 'q1&q2');
    assert.equal(one('URL_EXTRACT_QUERY', 'http://test@confluent.io:8080/path'), null);
  });

  test('text java.net.URI rejects is an error naming the input', () => {
    assert.throws(
      () => one('URL_EXTRACT_HOST', 'http://test.com/a path'),
      /URL input has invalid syntax: http:\/\/test.com\/a path/,
    );
    assert.throws(() => one('URL_EXTRACT_PATH', 'http://test.com/%zz'), /invalid syntax/);
  });
});
