/** Where ledger entry ids come from; the composition root passes a uuid generator, tests a sequence. */
export interface IdGenerator {
  next(): string;
}
