import type { IdGenerator } from '../ports/id-generator.port';

/** UUIDs 00000000-0000-4000-8000-000000000001, …002, …: valid, predictable, and sorted in creation order. */
export class SequentialIdGenerator implements IdGenerator {
  private count = 0;

  next(): string {
    this.count += 1;
    return `00000000-0000-4000-8000-${this.count.toString(16).padStart(12, '0')}`;
  }
}
