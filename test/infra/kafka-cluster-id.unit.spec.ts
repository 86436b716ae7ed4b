import { expect } from 'chai';
import { newClusterId } from '../../infra/kafka';

describe('KRaft cluster id for kafka-storage format', () => {
  it('is 22 characters of URL-safe base64 (16 bytes) and never starts with "-", which the tool would read as an option', () => {
    // One random id in 64 starts with '-': 10,000 draws leave no chance of missing it.
    const ids = Array.from({ length: 10_000 }, newClusterId);
    expect(ids.filter((id) => !/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id))).to.deep.equal([]);
    expect(new Set(ids).size).to.equal(ids.length);
  });
});
