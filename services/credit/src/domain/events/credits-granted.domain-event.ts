import type { GrantSource } from '../grant-source.value-object';
import type { CreditAccountEventBase } from './credit-account-event.base';

export interface CreditsGranted extends CreditAccountEventBase {
  readonly type: 'CreditsGranted';
  readonly grantId: string;
  readonly amount: number;
  readonly source: GrantSource;
  readonly expiresAt: Date | null;
  readonly priority: number;
}
