// Test-only: invalid REST requests for one write endpoint, as mutations of a valid request: the body with wrong types,
// missing and extra fields, hostile strings and numbers, deep nesting; non-object and unparseable JSON; unsupported
// media types; path parameters naming nothing. Whatever the API would have to accept is left out.
import fc from 'fast-check';
import { hostileJsonValue, hostileKey, hostileNumber, hostileString, setOwn, toJsonText } from './hostile-values';
import { isAcceptableBody } from './json-schema-conformance';

type Schema = Record<string, unknown>;

export interface HttpFuzzRequest {
  method: string;
  /** Path with its parameters filled in (percent-encoded). */
  path: string;
  body: string;
  contentType: string;
}

export interface WriteEndpoint {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify form: /v1/accounts/:customerId/reservations */
  url: string;
  /** Parameter values naming existing things, so body mutations reach a real resource. */
  params?: Record<string, string>;
  /** The JSON body schema, and a body that schema (and the service) accepts. None: the endpoint takes no body. */
  body?: { schema: Schema; valid: Record<string, unknown> };
}

export const endpointName = (endpoint: { method: string; url: string }) => `${endpoint.method} ${endpoint.url}`;

/** Percent-encodes UTF-8 bytes (a lone surrogate becomes U+FFFD, as any client would send it). */
const percentEncode = (value: string) =>
  [...Buffer.from(value, 'utf8')].map((byte) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

const pathOf = (url: string, params: Record<string, string>) => url.replace(/:(\w+)/g, (_, name: string) => percentEncode(params[name] ?? ''));

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const allows = (schema: Schema | undefined, type: string) => [schema?.type].flat().includes(type);

/** One change to an object shaped by `schema`; nested object properties are mutated recursively. */
function objectMutation(schema: Schema, valid: Record<string, unknown>): fc.Arbitrary<(target: Record<string, unknown>) => void> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const names = Object.keys(properties);
  type Option = { weight: number; arbitrary: fc.Arbitrary<(target: Record<string, unknown>) => void> };
  const options: Option[] = [{ weight: 1, arbitrary: fc.tuple(hostileKey(), hostileJsonValue()).map(([key, value]) => (target) => setOwn(target, key, value)) }];
  if (names.length > 0) {
    options.push({ weight: 1, arbitrary: fc.constantFrom(...names).map((name) => (target) => void delete target[name]) });
    const replacement = (property: Schema) =>
      property.type === 'integer' || property.type === 'number' ? fc.oneof(hostileNumber(), hostileJsonValue()) : property.type === 'string' ? fc.oneof(hostileString(), hostileJsonValue()) : hostileJsonValue();
    options.push({ weight: 2, arbitrary: fc.constantFrom(...names).chain((name) => replacement(properties[name]!).map((value) => (target) => setOwn(target, name, value))) });
    const nested = names.filter((name) => allows(properties[name], 'object') && isObject(valid[name]));
    if (nested.length > 0) {
      // Weighted up: the deeper a field, the less often a random change reaches it.
      options.push({
        weight: 4,
        arbitrary: fc.constantFrom(...nested).chain((name) =>
          objectMutation(properties[name]!, valid[name] as Record<string, unknown>).map((mutate) => (target) => {
            const inner = target[name];
            if (isObject(inner)) mutate(inner);
          }),
        ),
      });
    }
    // Arrays of objects: the first item mutated, or replaced.
    const lists = names.filter((name) => allows(properties[name], 'array') && allows(properties[name]!.items as Schema, 'object') && Array.isArray(valid[name]) && isObject((valid[name] as unknown[])[0]));
    if (lists.length > 0) {
      options.push({
        weight: 4,
        arbitrary: fc.constantFrom(...lists).chain((name) =>
          fc
            .oneof(
              objectMutation(properties[name]!.items as Schema, (valid[name] as Record<string, unknown>[])[0]!).map((mutate) => (item: unknown) => (isObject(item) ? (mutate(item), item) : item)),
              hostileJsonValue().map((value) => () => value),
            )
            .map((change) => (target) => {
              const list = target[name];
              if (Array.isArray(list) && list.length > 0) list[0] = change(list[0]);
            }),
        ),
      });
    }
  }
  return fc.oneof(...options);
}

/** The valid body with one to three mutations applied. */
const mutatedBody = (schema: Schema, valid: Record<string, unknown>) =>
  fc.array(objectMutation(schema, valid), { minLength: 1, maxLength: 3 }).map((mutations) => {
    const body = structuredClone(valid);
    for (const mutate of mutations) mutate(body);
    return body;
  });

const unparseable = (validText: string): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.nat({ max: Math.max(0, validText.length - 1) }).map((length) => validText.slice(0, length)),
      fc.constantFrom("{'amount': 1}", '{"a":1,}', '[1, 2', 'NaN', 'undefined', '{"a": 01}', '{"a": .5}', '{"a": 1} {"b": 2}', '\u0000', '{"a":"\u0000'),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('}', ',', 'x', '\u0000', ']').map((tail) => `${validText}${tail}`),
    )
    .filter((text) => {
      try {
        // As Fastify reads JSON: a leading byte order mark is dropped first.
        JSON.parse(text.replace(/^\uFEFF/, ''));
        return false;
      } catch {
        return true;
      }
    });

const unsupportedMediaTypes = ['application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'text/html', 'image/png'];

/** Parameter values that name nothing: hostile strings and well-formed ids that exist nowhere. */
const unknownParam = (valid: string) => fc.oneof(hostileString(), fc.uuid(), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 })).filter((value) => value.trim().toLowerCase() !== valid.toLowerCase());

/**
 * JSON texts a body must not be: mutations of `valid`, any other JSON value, unparseable text. `accepts` says which
 * parsed values the endpoint must accept (default: those conforming to `schema` with storable text); they are left out.
 */
export function invalidJsonTexts(schema: Schema, valid: Record<string, unknown>, accepts: (value: unknown) => boolean = (value) => isAcceptableBody(schema, value)): fc.Arbitrary<string> {
  const json = fc
    .oneof({ weight: 8, arbitrary: mutatedBody(schema, valid) }, { weight: 2, arbitrary: hostileJsonValue() })
    .map(toJsonText)
    .filter((text) => !accepts(JSON.parse(text)));
  // The mutations are the point: weighted over unparseable text.
  return fc.oneof({ weight: 4, arbitrary: json }, { weight: 1, arbitrary: unparseable(toJsonText(valid)) });
}

/** Invalid requests for a write endpoint; each case carries exactly what the API must refuse with a 4xx. */
export function invalidHttpRequests(endpoint: WriteEndpoint): fc.Arbitrary<HttpFuzzRequest> {
  const params = endpoint.params ?? {};
  const validPath = pathOf(endpoint.url, params);
  const validText = endpoint.body ? toJsonText(endpoint.body.valid) : '{}';
  const request = (path: string, body: string, contentType = 'application/json'): HttpFuzzRequest => ({ method: endpoint.method, path, body, contentType });
  const options: fc.Arbitrary<HttpFuzzRequest>[] = [fc.constantFrom(...unsupportedMediaTypes).map((type) => request(validPath, validText, type))];
  const paramNames = Object.keys(params);
  if (paramNames.length > 0) {
    options.push(
      fc.constantFrom(...paramNames).chain((name) => unknownParam(params[name]!).map((value) => request(pathOf(endpoint.url, { ...params, [name]: value }), validText))),
    );
  }
  // Without a body schema every parseable body is accepted: only unparseable text is invalid.
  const bodies = endpoint.body ? invalidJsonTexts(endpoint.body.schema, endpoint.body.valid) : unparseable(validText);
  return fc.oneof({ weight: 1, arbitrary: fc.oneof(...options) }, { weight: 3, arbitrary: bodies.map((text) => request(validPath, text)) });
}
