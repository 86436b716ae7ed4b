// Test-only: invalid gRPC request messages, written at the protobuf wire level (a generated client could not send most
// of them): fields missing, repeated or of the wrong wire type, unknown fields, huge and negative varints, hostile and
// non-UTF-8 strings, deeply nested groups, truncated and random bytes. Messages the method must accept are left out.
import fc from 'fast-check';
import { MalformedGrpcMessage } from '@billing/platform';
import { hostileString } from './hostile-values';

/** A field as @grpc/proto-loader describes it (requestType.type.field). */
export interface ProtoField {
  name: string;
  number: number;
  type: string;
}

type WireEntry =
  | { kind: 'varint'; number: number; value: bigint }
  | { kind: 'bytes'; number: number; value: Uint8Array }
  | { kind: 'fixed64' | 'fixed32'; number: number; value: Uint8Array }
  | { kind: 'group'; number: number; depth: number };

const varint = (value: bigint): number[] => {
  const bytes: number[] = [];
  let rest = BigInt.asUintN(64, value);
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return bytes;
};

const key = (number: number, wireType: number) => Buffer.from(varint(BigInt(number) * 8n + BigInt(wireType)));

function encodeEntry(entry: WireEntry): Buffer {
  switch (entry.kind) {
    case 'varint':
      return Buffer.concat([key(entry.number, 0), Buffer.from(varint(entry.value))]);
    case 'bytes':
      return Buffer.concat([key(entry.number, 2), Buffer.from(varint(BigInt(entry.value.length))), entry.value]);
    case 'fixed64':
      return Buffer.concat([key(entry.number, 1), entry.value]);
    case 'fixed32':
      return Buffer.concat([key(entry.number, 5), entry.value]);
    case 'group': {
      // start-group tags nested `depth` deep, then as many end-group tags
      const open = key(entry.number, 3);
      const close = key(entry.number, 4);
      return Buffer.concat([Buffer.alloc(open.length * entry.depth, open), Buffer.alloc(close.length * entry.depth, close)]);
    }
  }
}

const encode = (entries: readonly WireEntry[]) => Buffer.concat(entries.map(encodeEntry));

const isString = (field: ProtoField) => field.type === 'TYPE_STRING';

/** The wire entries of a message object (strings as UTF-8, integers as varints). */
function entriesOf(fields: readonly ProtoField[], message: Record<string, unknown>): WireEntry[] {
  return fields.flatMap((field): WireEntry[] => {
    const value = message[field.name];
    if (value === undefined) return [];
    if (isString(field)) return [{ kind: 'bytes', number: field.number, value: Buffer.from(String(value), 'utf8') }];
    return [{ kind: 'varint', number: field.number, value: BigInt(value as number) }];
  });
}

const hugeIntegers = [0n, -1n, 2n ** 31n, -(2n ** 31n) - 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n];

const hostileInteger = () => fc.oneof(fc.constantFrom(...hugeIntegers), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), fc.integer().map(BigInt));

/** Below the 1 MB message limit: the point is what the handler does with the text. */
const hostileBytes = () =>
  fc.oneof(
    hostileString()
      .filter((text) => text.length < 300_000)
      .map((text) => Buffer.from(text, 'utf8')),
    fc.uint8Array({ maxLength: 40 }),
    fc.constantFrom(Buffer.from([0xc3, 0x28]), Buffer.from([0xff, 0xfe, 0x00]), Buffer.from([0xed, 0xa0, 0x80])),
  );

const anyEntry = (number: number): fc.Arbitrary<WireEntry> =>
  fc.oneof(
    hostileInteger().map((value): WireEntry => ({ kind: 'varint', number, value })),
    hostileBytes().map((value): WireEntry => ({ kind: 'bytes', number, value })),
    fc.uint8Array({ minLength: 8, maxLength: 8 }).map((value): WireEntry => ({ kind: 'fixed64', number, value })),
    fc.uint8Array({ minLength: 4, maxLength: 4 }).map((value): WireEntry => ({ kind: 'fixed32', number, value })),
    fc.integer({ min: 1, max: 20_000 }).map((depth): WireEntry => ({ kind: 'group', number, depth })),
  );

type Mutation = (entries: WireEntry[]) => WireEntry[];

function mutation(fields: readonly ProtoField[]): fc.Arbitrary<Mutation> {
  const known = fc.constantFrom(...fields);
  const unknownNumber = fc.integer({ min: Math.max(...fields.map((field) => field.number)) + 1, max: 2 ** 29 - 1 });
  const withoutField = (entries: WireEntry[], number: number) => entries.filter((entry) => entry.number !== number);
  return fc.oneof(
    // missing field (proto3: its default)
    known.map((field): Mutation => (entries) => withoutField(entries, field.number)),
    // a hostile value of the right wire type
    known.chain((field) =>
      (isString(field) ? hostileBytes().map((value): WireEntry => ({ kind: 'bytes', number: field.number, value })) : hostileInteger().map((value): WireEntry => ({ kind: 'varint', number: field.number, value }))).map(
        (entry): Mutation => (entries) => [...withoutField(entries, field.number), entry],
      ),
    ),
    // a known field of any wire type, replacing or repeating it
    fc.tuple(known, fc.boolean()).chain(([field, repeat]) => anyEntry(field.number).map((entry): Mutation => (entries) => [...(repeat ? entries : withoutField(entries, field.number)), entry])),
    // an unknown (extra) field, deep nesting included
    unknownNumber.chain((number) => anyEntry(number).map((entry): Mutation => (entries) => [...entries, entry])),
  );
}

/**
 * Invalid messages for a method whose request has `fields`: mutations of `valid`, truncations and random bytes.
 * `accepts` says whether the method must accept a decoded message; such cases are left out, as are bytes that decode
 * to one (`decode` is the method's own request deserializer).
 */
export function invalidGrpcMessages(options: {
  fields: readonly ProtoField[];
  valid: Record<string, unknown>;
  decode: (bytes: Buffer) => unknown;
  accepts: (message: Record<string, unknown>) => boolean;
}): fc.Arbitrary<Buffer> {
  const validEntries = entriesOf(options.fields, options.valid);
  const mutated = fc.array(mutation(options.fields), { minLength: 1, maxLength: 4 }).map((mutations) => encode(mutations.reduce((entries, mutate) => mutate(entries), validEntries)));
  const truncated = fc.tuple(mutated, fc.nat()).map(([bytes, cut]) => bytes.subarray(0, bytes.length === 0 ? 0 : cut % bytes.length));
  const random = fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes));
  return fc.oneof({ weight: 6, arbitrary: mutated }, { weight: 1, arbitrary: truncated }, { weight: 1, arbitrary: random }).filter((bytes) => {
    const message = options.decode(bytes);
    return message instanceof MalformedGrpcMessage || !options.accepts(message as Record<string, unknown>);
  });
}
