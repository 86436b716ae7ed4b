// Test-only: decides whether a fuzzed JSON value is one the API must ACCEPT, so generators can leave those out. It
// implements just the JSON Schema keywords the route schemas use and throws on any other, so a schema that grows a new
// keyword fails loudly here instead of being misjudged.

type Schema = Record<string, unknown>;

const annotations = new Set(['description', 'default', 'title', 'examples']);

// Loose on purpose: saying "valid" too often only drops a case; saying "invalid" wrongly would make a test expect a 4xx.
const formats: Record<string, (value: string) => boolean> = {
  uuid: (value) => /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(value),
  'date-time': (value) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}/.test(value),
  email: (value) => /^[^\s@]+@[^\s@]+$/.test(value),
};

const codePoints = (value: string) => [...value].length;

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      throw new Error(`json-schema-conformance: unknown type ${type}`);
  }
}

/** Whether `value` satisfies `schema` (the subset of JSON Schema the route schemas use). */
export function conformsTo(schema: Schema, value: unknown): boolean {
  for (const [keyword, argument] of Object.entries(schema)) {
    if (annotations.has(keyword) || keyword.startsWith('x-')) continue;
    if (!keywordHolds(keyword, argument, schema, value)) return false;
  }
  return true;
}

function keywordHolds(keyword: string, argument: unknown, schema: Schema, value: unknown): boolean {
  const isObject = hasType('object', value);
  const object = value as Record<string, unknown>;
  switch (keyword) {
    case 'type':
      return (Array.isArray(argument) ? argument : [argument]).some((type: string) => hasType(type, value));
    case 'enum':
      return (argument as unknown[]).some((member) => member === value);
    case 'pattern':
      return typeof value !== 'string' || new RegExp(argument as string, 'u').test(value);
    case 'minLength':
      return typeof value !== 'string' || codePoints(value) >= (argument as number);
    case 'maxLength':
      return typeof value !== 'string' || codePoints(value) <= (argument as number);
    case 'minimum':
      return typeof value !== 'number' || value >= (argument as number);
    case 'maximum':
      return typeof value !== 'number' || value <= (argument as number);
    case 'format': {
      const check = formats[argument as string];
      if (!check) throw new Error(`json-schema-conformance: unknown format ${String(argument)}`);
      return typeof value !== 'string' || check(value);
    }
    case 'required':
      return !isObject || (argument as string[]).every((name) => Object.hasOwn(object, name));
    case 'minProperties':
      return !isObject || Object.keys(object).length >= (argument as number);
    case 'properties':
      return !isObject || Object.entries(argument as Record<string, Schema>).every(([name, property]) => !Object.hasOwn(object, name) || conformsTo(property, object[name]));
    case 'additionalProperties': {
      if (!isObject || argument === true || argument === undefined) return true;
      const declared = (schema.properties ?? {}) as Record<string, unknown>;
      return Object.keys(object).every((name) => Object.hasOwn(declared, name));
    }
    case 'anyOf':
      return (argument as Schema[]).some((option) => conformsTo(option, value));
    case 'items':
      return !Array.isArray(value) || value.every((item) => conformsTo(argument as Schema, item));
    default:
      throw new Error(`json-schema-conformance: keyword ${keyword} is not supported`);
  }
}

const brokenText = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text no database column can hold as sent: NUL, or a lone surrogate (stored as U+FFFD, i.e. silently altered). The
 * contract every service keeps: such strings are refused with a 4xx, whatever the field's schema says.
 */
export function hasBrokenText(value: unknown): boolean {
  // A work list, not recursion: fuzzed bodies nest deeper than the stack.
  const pending = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string' && brokenText.test(item)) return true;
    if (typeof item !== 'object' || item === null) continue;
    for (const [key, nested] of Object.entries(item)) {
      if (brokenText.test(key)) return true;
      pending.push(nested);
    }
  }
  return false;
}

/** A request body the API must accept: conforms to the schema and holds only storable text. */
export const isAcceptableBody = (schema: Schema, value: unknown) => conformsTo(schema, value) && !hasBrokenText(value);
