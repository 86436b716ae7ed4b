import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { amountAddedSchema, testInfrastructure, uniqueName } from '@billing/testkit';
import { SchemaCatalog } from './schema-catalog';
import { checkSchemas, registerSchemas } from './schema-registration';

const command = fileURLToPath(new URL('./schema-command.ts', import.meta.url));

function runCommand(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', command, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('Schema command (real Apicurio registry)', function () {
  this.timeout(60_000);
  let registryUrl: string;
  const dirs: string[] = [];
  before(async () => (registryUrl = (await testInfrastructure()).schemaRegistryUrl));
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function schemasTree(schema: object): string {
    const root = mkdtempSync(join(tmpdir(), 'schemas-'));
    dirs.push(root);
    mkdirSync(join(root, 'test'));
    writeFileSync(join(root, 'test', 'AmountAdded.avsc'), JSON.stringify(schema));
    return root;
  }

  it("registers the project's own schemas and finds them compatible afterwards", async () => {
    const catalog = SchemaCatalog.fromDirectory();
    const ids = await registerSchemas(registryUrl, catalog.all());
    expect(ids.size).to.equal(catalog.all().length);
    const checks = await checkSchemas(registryUrl, catalog.all());
    expect(checks.map((check) => check.status)).to.deep.equal(catalog.all().map(() => 'compatible'));
  });

  it('refuses a breaking change and accepts a compatible one', () => {
    const namespace = `${uniqueName('schema_cmd')}.v1`;
    const original = amountAddedSchema(namespace);
    const env = { SCHEMA_REGISTRY_URL: registryUrl };

    const first = runCommand(['register'], { ...env, SCHEMAS_DIR: schemasTree(original) });
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stdout).to.contain(`registered ${namespace}-${namespace}.AmountAdded`);

    const breaking = { ...original, fields: [...original.fields, { name: 'currency', type: 'string' }] };
    const refused = runCommand(['register'], { ...env, SCHEMAS_DIR: schemasTree(breaking) });
    expect(refused.status).to.equal(1);
    expect(refused.stderr).to.contain('schemas: incompatible with the registered schema').and.contain('AmountAdded');
    const check = runCommand(['check'], { ...env, SCHEMAS_DIR: schemasTree(breaking) });
    expect(check.status).to.equal(1);
    expect(check.stdout).to.match(/^incompatible +\S+AmountAdded/m);

    const compatible = { ...original, fields: [...original.fields, { name: 'currency', type: ['null', 'string'], default: null }] };
    const accepted = runCommand(['register'], { ...env, SCHEMAS_DIR: schemasTree(compatible) });
    expect(accepted.status, accepted.stderr).to.equal(0);
  });
});
