import { ApiError } from '@billing/platform';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { openApiDocument } from './openapi';

// Fastify route schemas built from the OpenAPI document, never written twice.

type Json = Record<string, unknown>;
const ERROR_CODE = 'x-error-code';

/** A copy of `node` with every local $ref replaced by what it points to; `x-…` extensions kept unless `strip`. */
function inline(node: unknown, strip: boolean): unknown {
  if (Array.isArray(node)) return node.map((item) => inline(item, strip));
  if (node === null || typeof node !== 'object') return node;
  const object = node as Json;
  if (typeof object.$ref === 'string') return inline(resolve(object.$ref), strip);
  return Object.fromEntries(
    Object.entries(object)
      .filter(([key]) => !(strip && key.startsWith('x-')))
      .map(([key, value]) => [key, inline(value, strip)]),
  );
}

function resolve(ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
  let target: unknown = openApiDocument;
  for (const part of ref.slice(2).split('/')) target = (target as Json | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
  return target;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Json;
}

type PathKey = keyof typeof openApiDocument.paths;

function operation(path: PathKey, method: string): Json {
  const found = (openApiDocument.paths[path] as Record<string, Json>)[method];
  if (!found) throw new Error(`no ${method} ${path} in the OpenAPI document`);
  return found;
}

function parameterObject(parameters: Parameter[], where: Parameter['in']): Json | undefined {
  const selected = parameters.filter((parameter) => parameter.in === where);
  if (selected.length === 0) return undefined;
  // Header names arrive lower-cased; other headers are allowed, unknown query parameters are not.
  const key = (parameter: Parameter) => (where === 'header' ? parameter.name.toLowerCase() : parameter.name);
  return {
    type: 'object',
    additionalProperties: where === 'header',
    properties: Object.fromEntries(selected.map((parameter) => [key(parameter), parameter.schema])),
    required: selected.filter((parameter) => parameter.required).map(key),
  };
}

/** The Fastify schema of one documented operation: body, params, querystring, headers and its 2xx JSON responses. */
export function routeSchema(path: PathKey, method: 'get' | 'post' | 'patch'): FastifySchema {
  const op = operation(path, method);
  const parameters = inline(op.parameters ?? [], false) as Parameter[];
  const body = (inline(op.requestBody, false) as { content?: Record<string, { schema: Json }> } | undefined)?.content?.['application/json']?.schema;
  const responses = Object.fromEntries(
    Object.entries(inline(op.responses, true) as Record<string, { content?: Record<string, { schema: Json }> }>)
      .filter(([status, response]) => status.startsWith('2') && response.content?.['application/json'])
      .map(([status, response]) => [status, response.content!['application/json']!.schema]),
  );
  const schema: FastifySchema = { response: responses };
  if (body) schema.body = body;
  const params = parameterObject(parameters, 'path');
  const querystring = parameterObject(parameters, 'query');
  const headers = parameterObject(parameters, 'header');
  if (params) schema.params = params;
  if (querystring) schema.querystring = querystring;
  if (headers) schema.headers = headers;
  return schema;
}

/** Every operation's schema, keyed by operationId. */
export const routeSchemas = {
  registerCustomer: routeSchema('/v1/customers', 'post'),
  listCustomers: routeSchema('/v1/customers', 'get'),
  getCustomer: routeSchema('/v1/customers/{customerId}', 'get'),
  updateCustomer: routeSchema('/v1/customers/{customerId}', 'patch'),
  deactivateCustomer: routeSchema('/v1/customers/{customerId}/deactivate', 'post'),
} as const;

function strictAjv(coerceTypes: boolean): Ajv {
  // strict: unknown keywords and formats are errors, so a typo in the document fails at start-up, not silently.
  const ajv = new Ajv({ strict: true, strictTypes: false, allErrors: false, coerceTypes, useDefaults: false, removeAdditional: false, verbose: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: ERROR_CODE, schemaType: 'string' });
  return ajv;
}

// Bodies are JSON: types are taken as sent. Path, query and headers are text: "10" is the integer 10.
const bodyAjv = strictAjv(false);
const textAjv = strictAjv(true);

/**
 * Fastify's validatorCompiler for these routes: strict formats, no coercion of bodies, `additionalProperties: false`
 * honoured. A failure is an ApiError, which the platform's error handler answers as `400 {error:{code,…}}`.
 */
export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => {
  const validate: ValidateFunction = (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as Json);
  return (data: unknown) => (validate(data) ? { value: data } : { error: toValidationError(validate.errors ?? [], httpPart ?? 'body') });
};

/** The failing field's `x-error-code` (INVALID_EMAIL…), else INVALID_REQUEST; Idempotency-Key absent → IDEMPOTENCY_KEY_REQUIRED. */
function toValidationError(errors: ErrorObject[], part: string): ApiError {
  const [error] = errors;
  if (!error) return new ApiError(400, 'INVALID_REQUEST', `invalid ${part}`, { part });
  const missing = error.keyword === 'required' ? String((error.params as { missingProperty: string }).missingProperty) : undefined;
  const field = missing ?? (error.instancePath.split('/').filter(Boolean).join('.') || undefined);
  const fieldSchema = (missing ? (error.parentSchema as { properties?: Record<string, Json> })?.properties?.[missing] : error.parentSchema) as Json | undefined;
  let code = typeof fieldSchema?.[ERROR_CODE] === 'string' && field ? (fieldSchema[ERROR_CODE] as string) : 'INVALID_REQUEST';
  if (missing === 'idempotency-key') code = 'IDEMPOTENCY_KEY_REQUIRED';
  const where = part === 'querystring' ? 'query parameter' : part === 'params' ? 'path parameter' : part === 'headers' ? 'header' : 'field';
  const message =
    missing !== undefined
      ? `${where} ${missing} is required`
      : error.keyword === 'additionalProperties'
        ? `unknown ${where} ${String((error.params as { additionalProperty: string }).additionalProperty)}`
        : `${field ? `${where} ${field}` : part} ${error.message ?? 'is invalid'}`;
  return new ApiError(400, code, message, {
    part,
    ...(field ? { field } : {}),
    keyword: error.keyword,
    ...(error.keyword === 'additionalProperties' ? { unknown: (error.params as { additionalProperty: string }).additionalProperty } : {}),
  });
}
