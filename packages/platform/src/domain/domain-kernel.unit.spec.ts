import { expect } from 'chai';
import { copyDate, copyOptionalDate, DomainError, InvalidIdentifierError, InvalidTimestampError, requireDate, requireId } from './index';

describe('domain kernel', () => {
  describe('when a guard refuses a value', () => {
    it('throws a DomainError with a stable code, the field and the value shown readably', () => {
      expect(() => requireId('  ', 'grantId')).to.throw(InvalidIdentifierError).that.deep.includes({
        code: 'INVALID_IDENTIFIER',
        details: { field: 'grantId', value: '"  "', expected: 'a non-empty string' },
      });
      const invalid = (() => {
        try {
          requireDate(new Date(Number.NaN), 'occurredAt');
        } catch (error) {
          return error;
        }
      })();
      expect(invalid).to.be.instanceOf(DomainError).and.instanceOf(InvalidTimestampError);
      expect(invalid).to.include({ code: 'INVALID_TIMESTAMP', name: 'InvalidTimestampError' });
    });
  });

  describe('when a guard accepts a value', () => {
    it('returns it, and copies dates so the caller cannot edit them by reference', () => {
      const at = new Date('2026-01-01T00:00:00Z');
      expect(requireId('acc-1', 'accountId')).to.equal('acc-1');
      expect(requireDate(at, 'at')).to.equal(at);
      const copy = copyDate(at);
      copy.setUTCFullYear(2030);
      expect(at.getUTCFullYear()).to.equal(2026);
      expect(copyOptionalDate(null)).to.equal(null);
      const optional = copyOptionalDate(at);
      expect(optional).to.deep.equal(at);
      expect(optional).not.to.equal(at);
    });
  });
});
