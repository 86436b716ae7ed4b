import { InvalidGatewayCustomerIdError, InvalidPaymentGatewayError } from './customer.errors';
import { copyDate } from '@billing/platform/domain';

export const PAYMENT_GATEWAYS = ['stripe'] as const;
export type PaymentGatewayName = (typeof PAYMENT_GATEWAYS)[number];

const MAX_GATEWAY_CUSTOMER_ID_LENGTH = 255;
/** What each gateway's customer ids look like; a new gateway adds its row here. */
const GATEWAY_CUSTOMER_ID_FORMAT: Record<PaymentGatewayName, RegExp> = {
  stripe: /^cus_[A-Za-z0-9]+$/,
};

const supported: ReadonlySet<string> = new Set(PAYMENT_GATEWAYS);

export const isPaymentGatewayName = (value: unknown): value is PaymentGatewayName => typeof value === 'string' && supported.has(value);

/** One customer of one gateway that represents our customer there. A customer has at most one per gateway. */
export interface PaymentGatewayLink {
  readonly gateway: PaymentGatewayName;
  readonly gatewayCustomerId: string;
  readonly linkedAt: Date;
}

export const PaymentGatewayLink = {
  gateway(value: unknown): PaymentGatewayName {
    if (!isPaymentGatewayName(value)) throw new InvalidPaymentGatewayError(value, PAYMENT_GATEWAYS);
    return value;
  },

  /** Exact match, no trimming or case folding: gateway ids are opaque and case-sensitive. */
  gatewayCustomerId(gateway: PaymentGatewayName, value: unknown): string {
    if (typeof value !== 'string' || value.length > MAX_GATEWAY_CUSTOMER_ID_LENGTH || !GATEWAY_CUSTOMER_ID_FORMAT[gateway].test(value)) {
      throw new InvalidGatewayCustomerIdError(gateway, value);
    }
    return value;
  },

  copy(link: PaymentGatewayLink): PaymentGatewayLink {
    return { gateway: link.gateway, gatewayCustomerId: link.gatewayCustomerId, linkedAt: copyDate(link.linkedAt) };
  },
} as const;
