import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { ApiError } from './api-error';

// ajv-formats is CommonJS: under ESM its default export arrives either as the function or as { default }.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as typeof addFormatsModule;

/** On a schema: the error code a bad value of that field is answered with instead of INVALID_REQUEST (the cursor's INVALID_CURSOR). */
export const ERROR_CODE_KEYWORD = 'x-error-code';

function strictAjv(coerceTypes: boolean): Ajv {
  // strict: unknown keywords and formats are errors, so a typo in a route schema fails at start-up, not silently.
  const ajv = new Ajv({ strict: true, strictTypes: false, allErrors: false, coerceTypes, useDefaults: true, removeAdditional: false, verbose: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: ERROR_CODE_KEYWORD, schemaType: 'string' });
  return ajv;
}

// Bodies are JSON: types are taken as sent ("5" is not 5). Path, query and headers are text: "37" is the integer 37.
const bodyAjv = strictAjv(false);
const textAjv = strictAjv(true);

/**
 * The kit's Fastify validatorCompiler: strict formats, no coercion of bodies, coercion of params and querystrings,
 * defaults filled in. A failure is 400 INVALID_REQUEST (or the field's x-error-code) with the part, field and rule in
 * details.
 */
export const kitValidatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => {
  const validate: ValidateFunction = (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as Record<string, unknown>);
  return (data: unknown) => (validate(data) ? { value: data } : { error: validationError(validate.errors ?? [], httpPart ?? 'body') });
};

function validationError(errors: ErrorObject[], part: string): ApiError {
  const [error] = errors;
  if (!error) return new ApiError(400, 'INVALID_REQUEST', `invalid ${part}`, { part });
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const missing = error.keyword === 'required' ? params.missingProperty : undefined;
  const field = missing ?? (error.instancePath.split('/').filter(Boolean).join('.') || undefined);
  const fieldSchema = missing === undefined ? (error.parentSchema as Record<string, unknown> | undefined) : undefined;
  const code = typeof fieldSchema?.[ERROR_CODE_KEYWORD] === 'string' ? (fieldSchema[ERROR_CODE_KEYWORD] as string) : 'INVALID_REQUEST';
  const where = part === 'querystring' ? 'query parameter' : part === 'params' ? 'path parameter' : part === 'headers' ? 'header' : 'field';
  const message =
    missing !== undefined
      ? `${where} ${missing} is required`
      : error.keyword === 'additionalProperties'
        ? `unknown ${where} ${String(params.additionalProperty)}`
        : `${field ? `${where} ${field}` : part} ${error.message ?? 'is invalid'}`;
  return new ApiError(400, code, message, {
    part,
    ...(field ? { field } : {}),
    keyword: error.keyword,
    ...(error.keyword === 'additionalProperties' ? { unknown: params.additionalProperty } : {}),
  });
}
