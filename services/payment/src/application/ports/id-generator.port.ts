/** Where payment ids come from: the composition root passes a uuid generator, tests a sequence of uuids. */
export interface IdGenerator {
  next(): string;
}
