import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '../domain/id-generator.port';

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then the version and 74 random bits. The ids the hot path inserts
 * (ledger entries, outbox rows) are primary keys: random v4 ids put each insert on a random leaf of an index that grows
 * with the ledger (10 million entries: ~400 MB, far beyond shared buffers), where time-ordered ids append at its right
 * edge whatever its size (docs/performance.md, "Credit at scale").
 */
export class TimeOrderedIds implements IdGenerator {
  constructor(private readonly now: () => number = Date.now) {}

  next(): string {
    const time = this.now().toString(16).padStart(12, '0');
    // randomUUID's output from its version digit on, with the version made 7; its variant bits stay as RFC 9562 wants.
    return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
  }
}
