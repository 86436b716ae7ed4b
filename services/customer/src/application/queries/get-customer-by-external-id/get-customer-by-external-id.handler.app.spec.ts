import { expect } from 'chai';
import { createTestContext, expectRejection, registered } from '../../testing/customer-app.test-context';

describe('GetCustomerByExternalId', () => {
  describe('when a customer has that externalAccountId', () => {
    it('returns its read model, trimming the id as registration did', async () => {
      const context = createTestContext();
      const customer = await registered(context, { externalAccountId: 'Org:42' });
      expect(await context.getCustomerByExternalId.execute({ externalAccountId: ' Org:42 ' })).to.deep.equal(customer);
    });
  });

  describe('when none has', () => {
    it('refuses with CUSTOMER_NOT_FOUND; the id is case-sensitive', async () => {
      const context = createTestContext();
      await registered(context, { externalAccountId: 'Org:42' });
      await expectRejection(context.getCustomerByExternalId.execute({ externalAccountId: 'org:42' }), 'CUSTOMER_NOT_FOUND');
    });

    it('refuses a malformed id with INVALID_EXTERNAL_ACCOUNT_ID', async () => {
      const context = createTestContext();
      for (const externalAccountId of ['', 'a b', 'x'.repeat(129)]) {
        await expectRejection(context.getCustomerByExternalId.execute({ externalAccountId }), 'INVALID_EXTERNAL_ACCOUNT_ID');
      }
    });
  });
});
