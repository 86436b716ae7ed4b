import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { expect } from 'chai';
import { testInfrastructure, uniqueName } from '@billing/testkit';

describe('Schema registry (Apicurio, Confluent-compatible API)', function () {
  this.timeout(30_000);
  let baseUrl: string;
  let registry: SchemaRegistry;
  const namespace = uniqueName('billing.smoke');
  const subject = `${namespace}.topic-${namespace}.Probe`;
  const probe = {
    type: 'record',
    name: 'Probe',
    namespace,
    fields: [
      { name: 'id', type: 'string' },
      { name: 'amount', type: 'long' },
    ],
  };

  before(async () => {
    baseUrl = (await testInfrastructure()).schemaRegistryUrl;
    registry = new SchemaRegistry({ host: baseUrl });
  });

  it('registers, encodes and decodes with the schema id the registry reports for the subject', async () => {
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(probe) }, { subject });
    const message = await registry.encode(id, { id: 'p-1', amount: 4200 });

    const response = await fetch(`${baseUrl}/subjects/${encodeURIComponent(subject)}/versions/1`);
    expect(response.status).to.equal(200);
    const version = (await response.json()) as { id: number; version: number };
    expect(message[0], 'Confluent wire format magic byte').to.equal(0);
    expect(message.readInt32BE(1)).to.equal(version.id);
    expect(version.id).to.equal(id);
    expect(await registry.decode(message)).to.deep.include({ id: 'p-1', amount: 4200 });
  });

  it('refuses a breaking change under BACKWARD compatibility and accepts a compatible one', async () => {
    await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(probe) }, { subject });
    const config = await fetch(`${baseUrl}/config/${encodeURIComponent(subject)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: 'BACKWARD' }),
    });
    expect(config.status).to.equal(200);

    const breaking = { ...probe, fields: [...probe.fields, { name: 'currency', type: 'string' }] };
    const refusal = await registry
      .register({ type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, { subject })
      .then(() => undefined, (error: Error) => error);
    expect(refusal, 'a new required field breaks BACKWARD').to.be.instanceOf(Error);
    expect(refusal!.message).to.match(/incompatible/i);

    const compatible = { ...probe, fields: [...probe.fields, { name: 'currency', type: ['null', 'string'], default: null }] };
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(compatible) }, { subject });
    const versions = (await (await fetch(`${baseUrl}/subjects/${encodeURIComponent(subject)}/versions`)).json()) as number[];
    expect(versions).to.have.length(2);
    expect(id).to.be.a('number');
  });
});
