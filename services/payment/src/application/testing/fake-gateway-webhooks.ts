import { WebhookRefusedError, type GatewayWebhooks } from '../ports/gateway-webhooks.port';
import type { GatewayEvent } from '../ports/gateway-event';

/** The signature header the fake accepts; anything else is refused as the Stripe adapter refuses a bad signature. */
export const VALID_SIGNATURE = 't=1,v1=fake';

/** A delivery is the GatewayEvent as JSON, "signed" with VALID_SIGNATURE: the use case's own logic, without Stripe. */
export class FakeGatewayWebhooks implements GatewayWebhooks {
  static delivery(event: GatewayEvent): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(event));
  }

  async verifyAndParse(rawBody: Uint8Array, signatureHeader: string | undefined): Promise<GatewayEvent> {
    if (signatureHeader === undefined) throw new WebhookRefusedError('WEBHOOK_SIGNATURE_MISSING', 'no signature');
    if (signatureHeader !== VALID_SIGNATURE) throw new WebhookRefusedError('WEBHOOK_SIGNATURE_INVALID', 'bad signature');
    return JSON.parse(new TextDecoder().decode(rawBody)) as GatewayEvent;
  }
}
