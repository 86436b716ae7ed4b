import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'chai';
import { cruise, type IViolation } from 'dependency-cruiser';
import { repoRoot } from '../../infra/paths';

const require = createRequire(import.meta.url);
const config = require(join(repoRoot, '.dependency-cruiser.cjs'));

async function violations(baseDir: string, roots: string[]): Promise<IViolation[]> {
  const result = await cruise(roots, { ruleSet: config, ...config.options, baseDir, validate: true });
  if (typeof result.output === 'string') throw new Error('expected a structured result');
  return result.output.summary.violations;
}

describe('Architecture rules (dependency-cruiser)', function () {
  this.timeout(60_000);

  it('the real tree breaks no rule', async () => {
    const found = await violations(repoRoot, ['services', 'packages']);
    expect(found.map((violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to}`)).to.deep.equal([]);
  });

  const fixtures: [fixture: string, rule: string][] = [
    ['domain-imports-infrastructure', 'domain-depends-on-nothing-outer'],
    ['domain-imports-framework', 'domain-depends-on-nothing-outer'],
    ['domain-imports-platform', 'domain-depends-on-nothing-outer'],
    ['domain-imports-platform-runtime', 'domain-depends-on-nothing-outer'],
    ['application-imports-infrastructure', 'application-depends-on-no-adapter'],
    ['application-imports-framework', 'application-depends-on-no-adapter'],
    ['service-imports-service', 'no-service-imports-another'],
  ];
  it('fires platform-domain-kernel-is-pure on the fixture platform-domain-kernel-imports-platform', async () => {
    const found = await violations(join(repoRoot, 'test/arch/fixtures/platform-domain-kernel-imports-platform'), ['packages']);
    expect(found.map((violation) => violation.rule.name)).to.deep.equal(['platform-domain-kernel-is-pure']);
  });

  for (const [fixture, rule] of fixtures) {
    it(`fires ${rule} on the fixture ${fixture}`, async () => {
      const found = await violations(join(repoRoot, 'test/arch/fixtures', fixture), ['services']);
      expect(found.map((violation) => violation.rule.name)).to.deep.equal([rule]);
    });
  }
});
