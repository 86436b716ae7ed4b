import type { PaymentGatewayName } from '../payment-gateway-link.value-object';
import type { CustomerEventBase } from './customer-event.base';

/** Recorded once per (customer, gateway): relinking the same gateway customer records nothing. */
export interface PaymentGatewayLinked extends CustomerEventBase {
  readonly type: 'PaymentGatewayLinked';
  readonly gateway: PaymentGatewayName;
  readonly gatewayCustomerId: string;
}
