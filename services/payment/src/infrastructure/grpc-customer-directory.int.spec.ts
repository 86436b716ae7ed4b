import { randomBytes, randomUUID } from 'node:crypto';
import { type SelfSignedCertificate, selfSignedCertificate } from '@billing/testkit';
import { expect } from 'chai';
import { startFakeCustomerService } from '../testing/fake-customer-service';
import { CustomerDirectoryUnavailableError, CustomerServiceClient } from './grpc-customer-directory';

describe('CustomerServiceClient (the customer service over gRPC with TLS)', function () {
  this.timeout(30_000);
  const customerToken = `customer_${randomBytes(24).toString('hex')}`;
  let certificate: SelfSignedCertificate;
  let customerService: Awaited<ReturnType<typeof startFakeCustomerService>>;

  before(async () => {
    certificate = selfSignedCertificate();
    customerService = await startFakeCustomerService(customerToken, { certFile: certificate.certFile, keyFile: certificate.keyFile });
  });

  after(async () => {
    await customerService?.close();
    certificate?.remove();
  });

  describe('when the customer service is configured with a CA file (GRPC_TLS_CA_FILE)', () => {
    it('asks it over TLS, verifying its certificate, and cannot reach it in plaintext', async () => {
      const customerId = randomUUID();
      customerService.link(customerId, 'cus_tls');
      const trusting = new CustomerServiceClient(customerService.url, customerToken, certificate.certFile);
      const plaintext = new CustomerServiceClient(customerService.url, customerToken);
      try {
        expect(await trusting.stripeLinkOf(customerId)).to.include({ gateway: 'stripe', gatewayCustomerId: 'cus_tls' });
        const refused = await plaintext.stripeLinkOf(customerId).catch((error: unknown) => error);
        expect(refused).to.be.instanceOf(CustomerDirectoryUnavailableError);
      } finally {
        trusting.close();
        plaintext.close();
      }
    });
  });
});
