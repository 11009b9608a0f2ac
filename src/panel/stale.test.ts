import {
  DEFAULT_STALE_LIMIT_MS,
  describeStale,
  formatDuration,
  judgeFreshness,
  parseStaleLimit,
  referenceTime,
} from './stale';
import { MINUTE, NOW } from './testFrames';

describe('parseStaleLimit', () => {
  it.each([
    ['5m', 5 * MINUTE],
    ['90s', 90_000],
    ['1.5h', 90 * MINUTE],
    ['1d', 24 * 60 * MINUTE],
    ['500ms', 500],
    ['30', 30_000],
    [' 10M ', 10 * MINUTE],
    ['0', null],
    ['0m', null],
    ['', null],
    ['off', null],
    ['soon', DEFAULT_STALE_LIMIT_MS],
    ['-5m', DEFAULT_STALE_LIMIT_MS],
  ])('%j → %j', (text, expected) => {
    expect(parseStaleLimit(text)).toBe(expected);
  });
});

describe('referenceTime', () => {
  const wallClock = NOW + 10 * MINUTE;
  it.each([
    ['a range ending now: the wall clock (keeps moving without refreshes)', NOW, 'now', wallClock],
    ['a range ending at now/d: the wall clock', NOW + 8 * 60 * MINUTE, 'now/d', wallClock],
    ['an absolute range in the past: its end', NOW - 60 * MINUTE, '2026-12-04T15:00:00Z', NOW - 60 * MINUTE],
    ['an absolute range ending in the future: the wall clock', NOW + 60 * MINUTE, '2026-12-04T17:00:00Z', wallClock],
    ['no range: the wall clock', Number.NaN, undefined, wallClock],
  ])('%s', (_, rangeTo, rawTo, expected) => {
    expect(referenceTime({ rangeTo, rawTo, wallClock })).toBe(expected);
  });
});

describe('judgeFreshness', () => {
  it.each([
    ['evaluated 4 min ago, limit 5 min', NOW - 4 * MINUTE, 5 * MINUTE, { kind: 'fresh' }],
    ['evaluated exactly at the limit', NOW - 5 * MINUTE, 5 * MINUTE, { kind: 'fresh' }],
    [
      'evaluated 12 min ago, limit 5 min',
      NOW - 12 * MINUTE,
      5 * MINUTE,
      { kind: 'stale', ageMs: 12 * MINUTE, limitMs: 5 * MINUTE },
    ],
    ['evaluated in the future (clock skew)', NOW + 3 * MINUTE, 5 * MINUTE, { kind: 'fresh' }],
    ['no limit', NOW - 600 * MINUTE, null, { kind: 'fresh' }],
    ['no evaluatedAt', null, 5 * MINUTE, { kind: 'unknown' }],
    ['no evaluatedAt and no limit', null, null, { kind: 'fresh' }],
  ])('%s', (_, evaluatedAt, limitMs, expected) => {
    expect(judgeFreshness({ evaluatedAt, limitMs, now: NOW })).toEqual(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [-5000, '0 s'],
    [59_999, '59 s'],
    [90_000, '1 min'],
    [12.5 * MINUTE, '12 min'],
    [119 * MINUTE, '119 min'],
    [5 * 60 * MINUTE, '5 h'],
    [49 * 60 * MINUTE, '2 days'],
  ])('%j ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

it('describes staleness with the age and the limit', () => {
  expect(describeStale({ ageMs: 12 * MINUTE, limitMs: 5 * MINUTE })).toBe(
    'Stale: last evaluation 12 min ago (limit 5 min)'
  );
});
