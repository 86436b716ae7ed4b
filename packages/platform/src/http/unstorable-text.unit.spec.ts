import { expect } from 'chai';
import { holdsUnstorableText, isWellFormedUtf8 } from './unstorable-text';

describe('holdsUnstorableText', () => {
  describe('when request data holds NUL or a lone surrogate', () => {
    it('finds it in strings, keys and arrays, at any depth', () => {
      const deep = JSON.parse(`${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`);
      for (const [label, value] of Object.entries({ nul: 'a\u0000b', high: '\ud800', low: 'x\udc00', field: { name: '\u0000' }, key: { 'a\u0000': 1 }, array: [1, ['\udfff']], deep })) {
        expect(holdsUnstorableText(value), label).to.equal(true);
      }
    });
  });

  describe('when request data is well-formed text', () => {
    it('passes it, emoji and control characters included', () => {
      for (const value of [undefined, null, 1, 'Ada', '😀 \u0007 \u202e', { name: 'Ω', nested: ['👩‍👩‍👧‍👦'] }, Buffer.from([0, 0xd8])]) {
        expect(holdsUnstorableText(value), String(value)).to.equal(false);
      }
    });
  });

  describe('when bytes are not well-formed UTF-8', () => {
    it('refuses invalid bytes, truncated sequences and encoded surrogates, and passes well-formed text', () => {
      for (const bytes of [[0xff, 0xfe, 0xc3], [0x41, 0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) expect(isWellFormedUtf8(Buffer.from(bytes)), String(bytes)).to.equal(false);
      for (const text of ['', '{"name":"Ada"}', '😀 Ω \u0007']) expect(isWellFormedUtf8(Buffer.from(text, 'utf8')), text).to.equal(true);
    });
  });
});
