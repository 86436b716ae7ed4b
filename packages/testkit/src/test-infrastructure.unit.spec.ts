import { expect } from 'chai';
import { MissingTestInfrastructureError, resolveTestInfrastructure } from './test-infrastructure';

describe('resolveTestInfrastructure', () => {
  const fullEnv = {
    DATABASE_URL: 'postgres://postgres@db:5432',
    KAFKA_BROKERS: 'k1:9092, k2:9092',
    SCHEMA_REGISTRY_URL: 'http://registry:8081/apis/ccompat/v7',
  };
  const noDocker = async () => false;

  describe('when all three variables are set', () => {
    it('uses them and never asks Docker', async () => {
      const infra = await resolveTestInfrastructure({
        env: fullEnv,
        dockerAvailable: async () => {
          throw new Error('must not be called');
        },
      });
      expect(infra).to.deep.equal({
        databaseUrl: 'postgres://postgres@db:5432',
        kafkaBrokers: ['k1:9092', 'k2:9092'],
        schemaRegistryUrl: 'http://registry:8081/apis/ccompat/v7',
      });
    });
  });

  describe('when a variable is missing and a Docker engine answers', () => {
    it('starts containers', async () => {
      const fromContainers = { databaseUrl: 'postgres://c', kafkaBrokers: ['c:1'], schemaRegistryUrl: 'http://c' };
      const infra = await resolveTestInfrastructure({
        env: { ...fullEnv, KAFKA_BROKERS: undefined },
        dockerAvailable: async () => true,
        startContainers: async () => fromContainers,
      });
      expect(infra).to.equal(fromContainers);
    });
  });

  describe('when a variable is missing and there is no Docker engine', () => {
    it('fails with one error that names what is missing and npm run infra:up', async () => {
      const error = await resolveTestInfrastructure({ env: { DATABASE_URL: 'postgres://x' }, dockerAvailable: noDocker }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).to.be.instanceOf(MissingTestInfrastructureError);
      expect((error as Error).message).to.contain('KAFKA_BROKERS, SCHEMA_REGISTRY_URL').and.to.contain('npm run infra:up');
      expect((error as Error).message).not.to.contain('\n');
    });
  });
});
