import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytes, clip, clockTime, duration, shortClock, stamp, tailLines, thousands } from '../../src/progress/format.js';

describe('progress format', () => {
  it('humanises durations with two units', () => {
    assert.equal(duration(0), '0s');
    assert.equal(duration(999), '0s');
    assert.equal(duration(45_000), '45s');
    assert.equal(duration(200_000), '3m 20s');
    assert.equal(duration(65_000), '1m 05s');
    assert.equal(duration(3_720_000), '1h 02m');
    assert.equal(duration(2 * 86_400_000 + 3 * 3_600_000), '2d 03h');
    assert.equal(duration(-5_000), '0s', 'clock skew never shows a negative time');
    assert.equal(duration(Number.NaN), '0s');
  });

  it('prints times in UTC and says so, short on the same day', () => {
    const now = new Date('2025-03-01T14:03:12Z');
    assert.equal(stamp('2025-03-01T14:05:00.000Z'), '2025-03-01 14:05:00 UTC');
    assert.equal(stamp('2025-03-01T16:05:00+02:00'), '2025-03-01 14:05:00 UTC');
    assert.equal(clockTime('2025-03-01T14:05:00Z', now), '14:05:00 UTC');
    assert.equal(clockTime('2025-03-02T00:00:01Z', now), '2025-03-02 00:00:01 UTC');
    assert.equal(shortClock('2025-03-01T14:05:00Z', now), '14:05:00');
    assert.equal(stamp('not a time'), 'not a time', 'bad input is shown, not thrown');
    assert.equal(stamp(null), '—');
  });

  it('formats sizes', () => {
    assert.equal(bytes(0), '0 B');
    assert.equal(bytes(512), '512 B');
    assert.equal(bytes(12_634), '12.3 KB');
    assert.equal(bytes(5 * 1024 * 1024), '5.0 MB');
  });

  it('writes counts with commas, as toLocaleString en-US does', () => {
    for (const n of [0, 1, 12, 999, 1000, 1834, 20_000, 999_999, 1_000_000, 123_456_789, -1, -1234, 2 ** 53 - 1, 1.5, 1234.5678, 2 ** 60]) {
      assert.equal(thousands(n), n.toLocaleString('en-US'), String(n));
    }
  });

  it('clips text to one line without splitting characters', () => {
    assert.equal(clip('a\nb\r\n\tc  d', 100), 'a b c d');
    assert.equal(clip('\x1b[31mred\x1b[0m\x07', 100), 'red');
    assert.equal(clip('abcdef', 4), 'abc…');
    assert.equal(clip('😀😀😀😀', 3), '😀😀…');
  });

  it('keeps the last non-blank output lines, bounded', () => {
    const out = ['one', '', 'two', '\x1b[32mthree\x1b[0m', '  four', 'x'.repeat(500), '', ''].join('\n');
    const tail = tailLines(out, 3, 200);
    assert.deepEqual(tail.slice(0, 2), ['three', '  four']);
    assert.equal(Array.from(tail[2] ?? '').length, 200);
    assert.ok(tail[2]?.endsWith('…'));
    assert.deepEqual(tailLines('', 5, 200), []);
  });
});
