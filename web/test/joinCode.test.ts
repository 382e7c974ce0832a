import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JOIN_CODE_ALPHABET, isValidJoinCode, normalizeJoinCode, parseJoinCode } from '../src/lib/joinCode';

describe('join codes', () => {
  it('normalises case and separators people type', () => {
    assert.equal(normalizeJoinCode(' abc-234 '), 'ABC234');
    assert.equal(normalizeJoinCode('ab c2 34'), 'ABC234');
    assert.equal(normalizeJoinCode('xyz.789'), 'XYZ789');
  });

  it('accepts exactly 6 characters of the alphabet', () => {
    assert.equal(isValidJoinCode('ABC234'), true);
    assert.equal(isValidJoinCode('ZZZZ99'), true);
    assert.equal(isValidJoinCode('ABC23'), false);
    assert.equal(isValidJoinCode('ABC2345'), false);
    assert.equal(isValidJoinCode('abc234'), false, 'validation is on the normalised form');
  });

  it('rejects the look-alikes O, 0, I and 1', () => {
    for (const bad of ['ABCO23', 'ABC023', 'ABCI23', 'ABC123']) assert.equal(isValidJoinCode(bad), false, bad);
  });

  it('has an alphabet of 32 symbols without look-alikes, all of which validate', () => {
    assert.equal(JOIN_CODE_ALPHABET.length, 32);
    assert.equal(new Set(JOIN_CODE_ALPHABET).size, 32);
    for (const symbol of 'O0I1') assert.equal(JOIN_CODE_ALPHABET.includes(symbol), false);
    for (const symbol of JOIN_CODE_ALPHABET) assert.equal(isValidJoinCode(symbol.repeat(6)), true, symbol);
  });

  it('explains what is wrong', () => {
    assert.deepEqual(parseJoinCode('  kmn-pq7 '), { ok: true, code: 'KMNPQ7' });
    const empty = parseJoinCode('   ');
    assert.equal(empty.ok, false);
    const short = parseJoinCode('ABC');
    assert.ok(!short.ok && /6 characters; this one has 3/.test(short.message));
    const lookAlike = parseJoinCode('ABC10Z');
    assert.ok(!lookAlike.ok && /never O, 0, I or 1/.test(lookAlike.message));
  });
});
