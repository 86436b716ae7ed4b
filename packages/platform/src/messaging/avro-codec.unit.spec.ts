import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { AvroCodec, SchemaRegistryUnavailableError } from './avro-codec';
import { SchemaCatalog } from './schema-catalog';

describe('AvroCodec', () => {
  describe('when the registry takes requests but never answers them', () => {
    let server: Server;
    let registryUrl: string;
    let requests = 0;

    before(async () => {
      // Reads each request and leaves it hanging: what a stuck registry (or a half-dead connection) looks like.
      server = createServer((request) => {
        requests += 1;
        request.resume();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      registryUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const catalog = SchemaCatalog.of([{ type: 'record', name: 'Pinged', namespace: 'codec.test.v1', fields: [{ name: 'id', type: 'string' }] }]);

    it('fails an encode after its request timeout instead of waiting forever, and tries the registry again next time', async function () {
      this.timeout(15_000);
      const codec = new AvroCodec(registryUrl, catalog, { requestTimeoutMs: 200 });
      const started = Date.now();
      const failure = await codec.encode('Pinged', { id: 'a' }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure, 'the encode failed').to.be.instanceOf(Error);
      expect(Date.now() - started, 'within its retries of 200 ms each').to.be.below(10_000);
      const requestsBefore = requests;
      await codec.encode('Pinged', { id: 'b' }).catch(() => undefined);
      expect(requests, 'a failed registration is not cached: the next encode asks again').to.be.greaterThan(requestsBefore);
    });

    it('reports a decode it cannot get an answer for as the registry being unavailable, so the message waits', async function () {
      this.timeout(15_000);
      const codec = new AvroCodec(registryUrl, catalog, { requestTimeoutMs: 200 });
      // The Confluent wire format: magic byte 0, then the schema id 7, then the Avro body.
      const message = Buffer.from([0, 0, 0, 0, 7, 2, 97]);
      const failure = await codec.decode(message).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).to.be.instanceOf(SchemaRegistryUnavailableError);
    });
  });
});
