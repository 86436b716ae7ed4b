/** New aggregate ids (UUIDs in production, a sequence in tests); nothing in application calls randomUUID(). */
export interface IdGenerator {
  next(): string;
}
