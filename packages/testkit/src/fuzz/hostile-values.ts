// Test-only: fast-check arbitraries for the values fuzzing throws at an API: unicode, emoji, NUL and lone surrogates,
// oversized strings, huge, negative and fractional numbers (also beyond what a JS number holds), deep nesting.
import fc from 'fast-check';

/**
 * JSON text written into a body verbatim: numbers no JS number holds (1e400, 30 digits, -0.0), and nesting deeper than
 * JSON.stringify can recurse.
 */
export class JsonLiteral {
  constructor(readonly literal: string) {}
}

const placeholder = (index: number) => `\u0001json-literal-${index}\u0001`;

/** JSON text of a value that may hold JsonLiterals. */
export function toJsonText(value: unknown): string {
  const literals: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (!(item instanceof JsonLiteral)) return item;
    literals.push(item.literal);
    return placeholder(literals.length - 1);
  });
  return literals.reduce((json, literal, index) => json.replace(JSON.stringify(placeholder(index)), literal), text ?? 'null');
}

const oddStrings = [
  '',
  ' ',
  '\t\n',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '😀',
  '👩‍👩‍👧‍👦',
  '\u202eRTL',
  'Ω≈ç√∫',
  'ｆｕｌｌｗｉｄｔｈ',
  "'; drop table outbox; --",
  '%s%n%x',
  '${jndi:ldap://x}',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'null',
  'true',
  '0',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  '9223372036854775808',
];

export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...oddStrings) },
    { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
    { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 2, arbitrary: fc.tuple(fc.string({ unit: 'grapheme-ascii', maxLength: 8 }), fc.constantFrom('\u0000', '\ud800', '😀')).map(([text, odd]) => `${text}${odd}${text}`) },
    { weight: 3, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((length) => 'x'.repeat(length)) },
    // Beyond the 1 MB body limit once sent.
    { weight: 1, arbitrary: fc.constant('é'.repeat(600_000)) },
  );

/** Numbers as JSON carries them: integers around every boundary, fractions, and literals no double holds. */
export const hostileNumber = (): fc.Arbitrary<number | JsonLiteral> =>
  fc.oneof(
    fc.constantFrom(0, -0, -1, 0.5, -0.5, 1.5, 1e21, 1e308, -1e308, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, 2 ** 32, 2 ** 63, -(2 ** 63)),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '1.00000000000000000000001', '-0.0', '1E3').map((literal) => new JsonLiteral(literal)),
  );

/** An array or object nested up to 50,000 levels deep. */
export const deeplyNested = (): fc.Arbitrary<JsonLiteral> =>
  fc
    .tuple(fc.integer({ min: 20, max: 50_000 }), fc.boolean())
    .map(([depth, arrays]) => new JsonLiteral(arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

/** Property names an object schema does not expect (prototype keys included). */
export const hostileKey = (): fc.Arbitrary<string> =>
  fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', ' ', '\u0000', '😀', '$where', 'id'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }));

/** Sets an own property, even `__proto__` (plain assignment would change the prototype instead). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Any JSON value, hostile ones first: wrong types for whatever field it replaces. */
export const hostileJsonValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: hostileString() },
    { weight: 3, arbitrary: hostileNumber() },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(hostileKey(), fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxKeys: 3 }) },
    { weight: 1, arbitrary: deeplyNested() },
  );
