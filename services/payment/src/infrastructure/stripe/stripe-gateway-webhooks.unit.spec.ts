import { signWebhook } from '@billing/testkit';
import { expect } from 'chai';
import { StripeGatewayWebhooks } from './stripe-gateway-webhooks';

const NOW_SECONDS = 1_900_000_000;
const SECRET = 'whsec_current';
const OLD_SECRET = 'whsec_previous';
const event = JSON.stringify({
  id: 'evt_1',
  object: 'event',
  type: 'payment_intent.succeeded',
  created: NOW_SECONDS,
  data: { object: { id: 'pi_1', object: 'payment_intent', amount: 1_000, currency: 'eur', status: 'succeeded', metadata: {} } },
});
const noRefundLookups = async (): Promise<never> => {
  throw new Error('no refunds are read for a payment_intent event');
};
const webhooks = new StripeGatewayWebhooks([SECRET, OLD_SECRET], noRefundLookups, () => NOW_SECONDS * 1_000);
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

async function refusalOf(body: Uint8Array, signature: string | undefined): Promise<unknown> {
  try {
    await webhooks.verifyAndParse(body, signature);
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return 'accepted';
}

describe('StripeGatewayWebhooks', () => {
  describe('when a delivery is signed with the endpoint secret (or the old one while it is rolled)', () => {
    it('reads the Stripe event as a GatewayEvent', async () => {
      for (const secret of [SECRET, OLD_SECRET]) {
        const mapped = await webhooks.verifyAndParse(bytes(event), signWebhook(event, secret, NOW_SECONDS));
        expect(mapped).to.deep.include({ kind: 'payment_intent', eventId: 'evt_1', type: 'payment_intent.succeeded' });
      }
    });
  });

  describe('when the signed timestamp is away from now', () => {
    const cases: [string, number, unknown][] = [
      ['an hour in the future', 3_600, 'WEBHOOK_TIMESTAMP_OUTSIDE_TOLERANCE'],
      ['301 s in the future', 301, 'WEBHOOK_TIMESTAMP_OUTSIDE_TOLERANCE'],
      ['300 s in the future', 300, 'accepted'],
      ['300 s in the past', -300, 'accepted'],
      ['301 s in the past', -301, 'WEBHOOK_TIMESTAMP_OUTSIDE_TOLERANCE'],
      ['an hour in the past', -3_600, 'WEBHOOK_TIMESTAMP_OUTSIDE_TOLERANCE'],
    ];
    for (const [name, offset, expected] of cases) {
      it(`${expected === 'accepted' ? 'accepts' : 'refuses'} one signed ${name}`, async () => {
        expect(await refusalOf(bytes(event), signWebhook(event, SECRET, NOW_SECONDS + offset))).to.equal(expected);
      });
    }

    it('refuses a future one signed with the old secret too', async () => {
      expect(await refusalOf(bytes(event), signWebhook(event, OLD_SECRET, NOW_SECONDS + 3_600))).to.equal('WEBHOOK_TIMESTAMP_OUTSIDE_TOLERANCE');
    });
  });

  describe('when the delivery cannot be trusted or read', () => {
    it('refuses each with its own code', async () => {
      const notJson = event.slice(0, -1);
      const notUtf8 = new Uint8Array([...bytes('{"id":"evt_1","x":"'), 0xff, 0xfe, 0xc3, ...bytes('"}')]);
      // Stripe's SDK verifies the signature over the body decoded leniently (U+FFFD for each bad byte).
      const signedLeniently = (body: Uint8Array) => signWebhook(new TextDecoder().decode(body), SECRET, NOW_SECONDS);
      expect(await refusalOf(bytes(event), undefined)).to.equal('WEBHOOK_SIGNATURE_MISSING');
      expect(await refusalOf(new Uint8Array(0), signWebhook('', SECRET, NOW_SECONDS))).to.equal('WEBHOOK_PAYLOAD_MISSING');
      expect(await refusalOf(bytes(event), signWebhook(event, 'whsec_someone_else', NOW_SECONDS))).to.equal('WEBHOOK_SIGNATURE_INVALID');
      expect(await refusalOf(bytes(notJson), signWebhook(notJson, SECRET, NOW_SECONDS))).to.equal('WEBHOOK_PAYLOAD_NOT_JSON');
      expect(await refusalOf(notUtf8, signedLeniently(notUtf8))).to.equal('INVALID_WEBHOOK_PAYLOAD');
      expect(await refusalOf(bytes('{"id":"evt_1"}'), signWebhook('{"id":"evt_1"}', SECRET, NOW_SECONDS))).to.equal('INVALID_WEBHOOK_PAYLOAD');
    });
  });
});
