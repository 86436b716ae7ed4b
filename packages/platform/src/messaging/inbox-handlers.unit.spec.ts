import { expect } from 'chai';
import type { SqlExecutor } from '../sql/sql-executor';
import type { ConsumedEvent, InboxHandlers } from './inbox-consumer';

const consumed = <Payload>(eventType: string, payload: Payload): ConsumedEvent<Payload> => ({
  eventId: 'e-1',
  eventType,
  payload,
  context: { correlationId: 'c-1' },
  occurredAt: undefined,
  topic: 'billing.customer.v1',
  partition: 0,
  offset: '0',
  key: undefined,
});

describe('InboxHandlers', () => {
  describe('when a handler map is keyed by event name', () => {
    it("hands each handler its event's payload type, so a field the event lacks does not compile", async () => {
      const seen: string[] = [];
      const handlers: InboxHandlers<SqlExecutor> = {
        CustomerRegistered: async (event) => {
          seen.push(`${event.payload.customerId} ${event.payload.defaultCurrency}`);
        },
        CustomerDeactivated: async (event) => {
          // @ts-expect-error CustomerDeactivated carries no email
          seen.push(event.payload.email);
        },
      };
      const tx: SqlExecutor = { query: async () => [] };
      await handlers.CustomerRegistered!(consumed('CustomerRegistered', { customerId: 'cus-1', externalAccountId: 'acct-1', email: 'a@example.com', name: null, defaultCurrency: 'EUR', occurredAt: '2026-01-01T00:00:00.000Z' }), tx);
      expect(seen).to.deep.equal(['cus-1 EUR']);
    });
  });
});
