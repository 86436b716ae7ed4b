import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'chai';
import { cruise, type IViolation } from 'dependency-cruiser';
import { repoRoot } from '../../infra/paths';

const require = createRequire(import.meta.url);
const config = require(join(repoRoot, '.dependency-cruiser.cjs'));
const rules: string[] = config.forbidden.map((rule: { name: string }) => rule.name);

/** What `npm run arch` checks: the services, the packages, the tools, the root scripts and infra that run them, the console's server. */
const realTree = ['services', 'packages', 'tools', 'scripts', 'infra', 'console/server'];

async function violations(baseDir: string, roots: string[]): Promise<IViolation[]> {
  const result = await cruise(roots, { ruleSet: config, ...config.options, baseDir, validate: true });
  if (typeof result.output === 'string') throw new Error('expected a structured result');
  return result.output.summary.violations;
}

describe('Architecture rules (dependency-cruiser)', function () {
  this.timeout(120_000);

  describe('the real tree', () => {
    let found: IViolation[];
    before(async () => {
      found = await violations(repoRoot, realTree);
    });

    // One test per rule, so a failure names the rule and lists every import that breaks it.
    for (const rule of rules) {
      it(`breaks no ${rule}`, () => {
        const broken = found.filter((violation) => violation.rule.name === rule).map((violation) => `${violation.from} -> ${violation.to}`);
        expect(broken, `${broken.length} imports break ${rule}:\n  ${broken.join('\n  ')}\n`).to.deep.equal([]);
      });
    }
  });

  // Each fixture breaks one rule once; the files beside the breaking one are what the rule allows (a spec, the
  // composition root, a port, a root script), so a rule that fires too widely fails here too.
  const fixtures: [fixture: string, rule: string, breaking: string][] = [
    ['domain-imports-infrastructure', 'domain-depends-on-nothing-outer', 'services/shop/src/domain/order.aggregate.ts'],
    ['domain-imports-framework', 'domain-depends-on-nothing-outer', 'services/shop/src/domain/order.aggregate.ts'],
    ['domain-imports-platform', 'domain-depends-on-nothing-outer', 'services/shop/src/domain/order.aggregate.ts'],
    ['domain-imports-platform-runtime', 'domain-depends-on-nothing-outer', 'services/shop/src/domain/order.aggregate.ts'],
    ['platform-domain-kernel-imports-platform', 'platform-domain-kernel-is-pure', 'packages/platform/src/domain/domain-error.ts'],
    ['application-imports-infrastructure', 'application-depends-on-no-adapter', 'services/shop/src/application/place-order.handler.ts'],
    ['application-imports-framework', 'application-depends-on-no-adapter', 'services/shop/src/application/place-order.handler.ts'],
    ['interface-imports-infrastructure', 'interface-depends-on-no-infrastructure', 'services/shop/src/interface/http/order.routes.ts'],
    ['infrastructure-imports-application', 'infrastructure-implements-only-ports', 'services/shop/src/infrastructure/order-scheduler.ts'],
    ['service-imports-testkit', 'production-never-imports-testkit', 'services/shop/src/infrastructure/order-ids.ts'],
    ['service-imports-test-harness', 'production-never-imports-test-only-files', 'services/shop/src/main.ts'],
    ['service-imports-stripe-test-server', 'only-root-scripts-run-the-stripe-test-server', 'services/shop/src/infrastructure/stripe-gateway.ts'],
    ['service-imports-service', 'no-service-imports-another', 'services/shop/src/domain/order.aggregate.ts'],
    ['console-imports-service', 'console-reaches-services-only-over-http', 'console/server/operations/limits.ts'],
  ];
  it('has a fixture for every rule', () => {
    expect([...new Set(fixtures.map(([, rule]) => rule))].sort()).to.deep.equal([...rules].sort());
  });
  for (const [fixture, rule, breaking] of fixtures) {
    it(`fires ${rule} on the fixture ${fixture}`, async () => {
      const dir = join(repoRoot, 'test/arch/fixtures', fixture);
      const found = await violations(dir, readdirSync(dir));
      expect(found.map((violation) => `${violation.rule.name}: ${violation.from}`)).to.deep.equal([`${rule}: ${breaking}`]);
    });
  }
});
