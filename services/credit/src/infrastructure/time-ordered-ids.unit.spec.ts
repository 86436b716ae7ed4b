import { expect } from 'chai';
import { TimeOrderedIds } from './time-ordered-ids';

describe('TimeOrderedIds', () => {
  describe('when ids are made at increasing times', () => {
    it('makes version-7 UUIDs whose text order is their time order', () => {
      let now = Date.parse('2026-12-05T00:00:00Z');
      const ids = new TimeOrderedIds(() => now);
      const made = Array.from({ length: 50 }, () => ((now += 1), ids.next()));
      for (const id of made) expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect([...made].sort()).to.deep.equal(made);
      expect(made[0]!.replace('-', '').slice(0, 12)).to.equal((Date.parse('2026-12-05T00:00:00Z') + 1).toString(16).padStart(12, '0'));
    });
  });
});
