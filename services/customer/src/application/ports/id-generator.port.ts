/** Where new customer ids come from; must return a UUID (the composition root passes crypto.randomUUID). */
export interface IdGenerator {
  next(): string;
}
