import { createHash, timingSafeEqual } from 'node:crypto';

/** Who called: a named service token, optionally scoped to one customer. */
export interface Principal {
  name: string;
  /** A customer id, or undefined for a token that may act on every customer. */
  customerId?: string;
}

export const canActFor = (principal: Principal, customerId: string) => principal.customerId === undefined || principal.customerId === customerId;

interface TokenEntry {
  digest: Buffer;
  principal: Principal;
}

const digest = (token: string) => createHash('sha256').update(token).digest();

/**
 * The configured service tokens. SERVICE_TOKENS is a comma-separated list of `name:token` (any customer) or
 * `name:token:customerId` (one customer). Comparison is constant-time over digests, so neither content nor length leaks.
 */
export class ServiceTokens {
  private readonly entries: TokenEntry[];

  constructor(spec: string) {
    this.entries = spec
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)
      .map((item) => {
        const [name, token, customerId] = item.split(':');
        if (!name || !token || token.length < 16) throw new Error(`SERVICE_TOKENS entry "${name ?? ''}" needs a token of at least 16 characters`);
        return { digest: digest(token), principal: customerId ? { name, customerId } : { name } };
      });
    if (this.entries.length === 0) throw new Error('SERVICE_TOKENS is empty: every REST and gRPC call needs a token');
  }

  /** The principal for `Bearer <token>`, or undefined. Every entry is compared, so timing does not tell which matched. */
  authenticate(authorization: string | undefined): Principal | undefined {
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (!match) return undefined;
    const presented = digest(match[1]!);
    let found: Principal | undefined;
    for (const entry of this.entries) if (timingSafeEqual(entry.digest, presented)) found = entry.principal;
    return found;
  }
}
