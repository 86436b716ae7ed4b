import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '../application/ports/id-generator.port';

export class UuidIds implements IdGenerator {
  next(): string {
    return randomUUID();
  }
}
