import { expect } from 'chai';
import { testInfrastructure, uniqueName } from '@billing/testkit';
import { type AvroRecordSchema, SchemaCatalog } from './schema-catalog';
import { registerSchemas } from './schema-registration';

describe('registerSchemas (real Apicurio registry)', function () {
  this.timeout(60_000);
  let registryUrl: string;
  before(async () => (registryUrl = (await testInfrastructure()).schemaRegistryUrl));

  /** The project's whole catalogue under namespaces no run used before: subjects the registry has never seen. */
  function freshCatalogue() {
    const prefix = uniqueName('race');
    const schemas = SchemaCatalog.fromDirectory().all().map(({ schema }): AvroRecordSchema => ({ ...schema, namespace: `${prefix}.${schema.namespace}` }));
    return SchemaCatalog.of(schemas).all();
  }

  const getJson = async (path: string) => (await fetch(`${registryUrl}${path}`)).json();

  describe('when four services register the whole catalogue at the same moment against subjects it does not hold', () => {
    it('all succeed with the same ids, each subject has one version and the BACKWARD rule', async () => {
      const catalogue = freshCatalogue();
      const results = await Promise.allSettled([1, 2, 3, 4].map(() => registerSchemas(registryUrl, catalogue)));
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
      expect(failures).to.deep.equal([]);
      const idMaps = results.map((result) => (result as PromiseFulfilledResult<Map<string, number>>).value);
      for (const ids of idMaps.slice(1)) expect([...ids]).to.deep.equal([...idMaps[0]!]);
      for (const { subject } of catalogue) {
        expect(await getJson(`/subjects/${encodeURIComponent(subject)}/versions`), subject).to.deep.equal([1]);
        expect(await getJson(`/config/${encodeURIComponent(subject)}`), subject).to.deep.include({ compatibilityLevel: 'BACKWARD' });
      }
    });
  });
});
