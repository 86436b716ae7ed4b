import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '../application/ports/id-generator.port';

export const uuidIdGenerator: IdGenerator = { next: () => randomUUID() };
