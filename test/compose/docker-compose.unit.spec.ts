import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { infrastructureConfigFromEnv } from '../../packages/platform/src/config/infrastructure-config';
import { apicurioVersion } from '../../infra/apicurio';
import { kafkaVersion } from '../../infra/kafka';
import { repoRoot } from '../../infra/paths';
import { serviceSettingsFromEnv } from '../../packages/platform/src/service/service-runtime';
import { bundleOf, consolePort, serviceNodeArgs, servicePorts } from '../../scripts/service-ports';
import { existsSync, readdirSync } from 'node:fs';

interface ComposeService {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
}
interface Compose {
  services: Record<string, ComposeService>;
  'x-billing-env': Record<string, string>;
}

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;

/** The environment variable names the code reads, found by watching which keys it asks for. */
function variablesReadByCode(): string[] {
  const read = new Set<string>();
  infrastructureConfigFromEnv(new Proxy({}, { get: (_, key) => (read.add(String(key)), undefined) }));
  return [...read].sort();
}

const hostPort = (service: ComposeService) => service.ports?.map((port) => Number(port.split(':').at(-2)));

describe('docker-compose.yml', () => {
  it('has postgres, kafka and a schema registry, each with a healthcheck', () => {
    for (const name of ['postgres', 'kafka', 'schema-registry']) {
      expect(compose.services, name).to.have.property(name);
      expect(compose.services[name]!.healthcheck?.test, `${name} healthcheck`).to.be.an('array').that.is.not.empty;
    }
  });

  it('publishes the ports the code defaults to', () => {
    const config = infrastructureConfigFromEnv({});
    expect(hostPort(compose.services.kafka!)).to.include(Number(config.kafkaBrokers[0]!.split(':')[1]));
    expect(hostPort(compose.services['schema-registry']!)).to.include(Number(new URL(config.schemaRegistryUrl).port));
    expect(hostPort(compose.services.postgres!)).to.include(Number(new URL(config.databaseUrl).port));
  });

  it('runs the same Kafka major version in KRaft mode and the same Apicurio Registry as infra:up', () => {
    const kafka = compose.services.kafka!;
    expect(kafka.image!.split(':')[1]!.split('.')[0]).to.equal(kafkaVersion.split('.')[0]);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).to.equal('broker,controller');
    expect(kafka.environment?.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).to.equal(1);
    expect(compose.services['schema-registry']!.image).to.equal(`apicurio/apicurio-registry:${apicurioVersion}`);
  });

  it('defines every environment variable the code reads, pointing at compose services', () => {
    const env = compose['x-billing-env'];
    expect(Object.keys(env).sort()).to.deep.equal(variablesReadByCode());
    expect(env.SCHEMA_REGISTRY_URL).to.match(/^http:\/\/schema-registry:\d+\/apis\/ccompat\/v7$/);
    expect(env.KAFKA_BROKERS).to.match(/^kafka:\d+$/);
    expect(new URL(env.DATABASE_URL!).hostname).to.equal('postgres');
  });

  const services = readdirSync(join(repoRoot, 'services')).filter((name) => existsSync(join(repoRoot, 'services', name, 'src', 'main.ts')));

  /** Every variable a service process reads through serviceSettingsFromEnv, found the same way as above. */
  function variablesReadByServices(): string[] {
    const read = new Set<string>();
    serviceSettingsFromEnv({ service: 'x', database: 'x', httpPort: 1 }, new Proxy({}, { get: (_, key) => (read.add(String(key)), key === 'SERVICE_TOKENS' ? 'x' : undefined) }));
    return [...read];
  }

  for (const name of services) {
    it(`runs the ${name} service from the Dockerfile with the variables and ports its code expects`, () => {
      const service = compose.services[name];
      expect(service, name).to.not.equal(undefined);
      expect(service!.build?.args?.SERVICE).to.equal(name);
      const environment = service!.environment ?? {};
      const required = variablesReadByServices().filter((variable) => ['DATABASE_URL', 'KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'SERVICE_TOKENS', 'HTTP_PORT'].includes(variable));
      expect(required).to.have.length(5);
      expect(Object.keys(environment)).to.include.members(required);
      expect(Number(environment.HTTP_PORT)).to.equal(servicePorts[name]!.http);
      expect(hostPort(service!)).to.include(servicePorts[name]!.http);
      if (servicePorts[name]!.grpc) {
        expect(Number(environment.GRPC_PORT)).to.equal(servicePorts[name]!.grpc);
        expect(hostPort(service!)).to.include(servicePorts[name]!.grpc);
      }
      expect(service!.healthcheck?.test.join(' ')).to.contain('/readyz');
      expect(Object.keys(service!.depends_on ?? {}).sort()).to.deep.equal(['kafka', 'postgres', 'schema-registry']);
    });
  }

  it('starts each service in the image with the node arguments npm start uses', () => {
    const cmd = /^CMD \["sh", "-c", "exec node (.+)"\]$/m.exec(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'))?.[1];
    expect(cmd).to.equal('${NODE_FLAGS} dist/services/${SERVICE}/main.mjs');
    for (const name of services) {
      const args = compose.services[name]!.build?.args ?? {};
      expect([...String(args.NODE_FLAGS).split(' '), bundleOf(name)], name).to.deep.equal(serviceNodeArgs(name));
    }
  });

  it("runs the console from the image with the node arguments npm start uses, the services' token and their compose URLs", () => {
    const service = compose.services.console!;
    expect(service.build?.args?.SERVICE).to.equal('console');
    expect([...String(service.build?.args?.NODE_FLAGS).split(' '), bundleOf('console')]).to.deep.equal(serviceNodeArgs('console'));
    const environment = service.environment ?? {};
    expect(Number(environment.CONSOLE_PORT)).to.equal(consolePort);
    expect(hostPort(service)).to.include(consolePort);
    expect(environment.CONSOLE_HOST).to.equal('0.0.0.0');
    expect(Object.keys(environment)).to.include.members(['CONSOLE_USERS', 'KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL']);
    expect(environment.CONSOLE_SERVICE_TOKEN).to.equal(compose.services.payment!.environment!.CUSTOMER_SERVICE_TOKEN);
    for (const name of services) expect(environment[`${name.toUpperCase()}_URL`], name).to.equal(`http://${name}:${servicePorts[name]!.http}`);
    expect(service.healthcheck?.test.join(' ')).to.contain('/healthz');
  });

  it("points the payment service at the customer service's gRPC port and Stripe settings", () => {
    const environment = compose.services.payment!.environment ?? {};
    expect(environment.CUSTOMER_GRPC_URL).to.equal(`customer:${servicePorts.customer!.grpc}`);
    expect(Object.keys(environment)).to.include.members(['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'CUSTOMER_SERVICE_TOKEN']);
  });
});
