import { expect } from 'chai';
import { planFaults } from './faults';
import { Random } from './random';
import { chaosSizes } from './sizes';

describe('chaos fault plan: the broker faults by cluster size', () => {
  const seeds = Array.from({ length: 50 }, (_, index) => index + 1);
  const targets = (instances: number, brokers: number, seed: number) => planFaults(chaosSizes.small, new Random(seed), instances, brokers).map((fault) => fault.target);

  it('one broker: its one restart among the four service kills, no leader kill', () => {
    for (const seed of seeds) {
      const plan = targets(1, 1, seed);
      expect(plan.filter((target) => target === 'kafka'), `seed ${seed}`).to.have.length(1);
      expect(plan.filter((target) => target === 'kafka-leader'), `seed ${seed}`).to.have.length(0);
      expect(plan, `seed ${seed}`).to.have.length(5);
    }
  });

  it('three nodes: two leader kills instead of the restart, planned in order at distinct moments', () => {
    for (const seed of seeds) {
      const plan = planFaults(chaosSizes.small, new Random(seed), 1, 3);
      expect(plan.filter((fault) => fault.target === 'kafka-leader'), `seed ${seed}`).to.have.length(2);
      expect(plan.filter((fault) => fault.target === 'kafka'), `seed ${seed}`).to.have.length(0);
      expect(plan, `seed ${seed}`).to.have.length(6);
      const moments = plan.map((fault) => fault.atMs);
      expect(moments.every((moment, index) => index === 0 || moment > moments[index - 1]!), `seed ${seed}`).to.equal(true);
    }
  });

  it('two instances on three nodes: both leader kills between the two kill rounds', () => {
    for (const seed of seeds) {
      const plan = targets(2, 3, seed);
      expect(plan.slice(4, 6), `seed ${seed}`).to.deep.equal(['kafka-leader', 'kafka-leader']);
      expect(new Set(plan.slice(0, 4)), `seed ${seed}`).to.deep.equal(new Set(['customer', 'credit', 'subscription', 'payment']));
      expect(new Set(plan.slice(6)), `seed ${seed}`).to.deep.equal(new Set(['customer', 'credit', 'subscription', 'payment']));
    }
  });
});
