import { GrantSource } from '../domain/grant-source.value-object';
import type { DeterministicIds } from './ports/reservation-directory.port';

/**
 * A grant's id: derived from its account's customer and its source, so a redelivered event or retried request names
 * the grant it already made, and the same source (a promotion code) on two customers names two grants.
 */
export function grantIdFor(ids: DeterministicIds, customerId: string, source: GrantSource): string {
  return ids.forKey('grant', JSON.stringify([customerId, GrantSource.key(source)]));
}
