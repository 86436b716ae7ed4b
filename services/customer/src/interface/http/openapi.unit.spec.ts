import { expect } from 'chai';
import { openApiDocument } from './openapi';
import { routeSchema, routeSchemas, validatorCompiler } from './route-schemas';

// The REST contract and the validation are one thing: these prove the route schemas are the document's, and strict.

type Json = Record<string, unknown>;
const schemas = openApiDocument.components.schemas as unknown as Record<string, Json>;

function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => refsIn(item, found));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref') found.push(value as string);
      else refsIn(value, found);
    }
  }
  return found;
}

function objectsIn(node: unknown, found: Json[] = []): Json[] {
  if (Array.isArray(node)) node.forEach((item) => objectsIn(item, found));
  else if (node !== null && typeof node === 'object') {
    if ((node as Json).type === 'object') found.push(node as Json);
    Object.values(node).forEach((value) => objectsIn(value, found));
  }
  return found;
}

const validate = (schema: unknown, httpPart: string, data: unknown) => {
  const check = validatorCompiler({ schema: schema as never, httpPart, method: 'POST', url: '/x' }) as (data: unknown) => { error?: { code: string } };
  return check(data).error?.code ?? 'OK';
};

describe('OpenAPI document and route schemas', () => {
  it('is an OpenAPI 3.1 document whose every $ref resolves', () => {
    expect(openApiDocument.openapi).to.equal('3.1.0');
    for (const ref of refsIn(openApiDocument)) {
      const [, section, name] = /^#\/components\/(\w+)\/(\w+)$/.exec(ref) ?? [];
      expect((openApiDocument.components as unknown as Record<string, Json>)[section!]?.[name!], ref).to.not.equal(undefined);
    }
  });

  it('gives every operation an operationId and every write an Idempotency-Key', () => {
    for (const [path, operations] of Object.entries(openApiDocument.paths)) {
      for (const [method, operation] of Object.entries(operations as Record<string, Json>)) {
        expect(operation.operationId, `${method} ${path}`).to.be.a('string');
        if (method !== 'get') expect(refsIn(operation.parameters), `${method} ${path}`).to.include('#/components/parameters/IdempotencyKey');
      }
    }
  });

  it('closes every object schema (additionalProperties: false), except free-form error details', () => {
    for (const object of objectsIn(openApiDocument.components.schemas)) expect(object.additionalProperties, JSON.stringify(object).slice(0, 80)).to.equal(false);
  });

  it('builds the route schemas from the document: the body is the documented request schema, $refs inlined', () => {
    const body = routeSchemas.registerCustomer.body as Json;
    expect(body.required).to.deep.equal(schemas.RegisterCustomerRequest!.required);
    expect((body.properties as Json).email).to.deep.equal(schemas.Email);
    expect((body.properties as Json).defaultCurrency).to.deep.equal(schemas.Currency);
    expect(refsIn(routeSchemas)).to.deep.equal([]);
    // As JSON: Fastify tags the schema objects it compiled with symbols.
    const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
    expect(asJson(routeSchema('/v1/customers', 'post'))).to.deep.equal(asJson(routeSchemas.registerCustomer));
    expect(Object.keys(routeSchemas.registerCustomer.response as Json)).to.deep.equal(['201']);
    expect(Object.keys((routeSchemas.listCustomers.querystring as { properties: Json }).properties)).to.deep.equal(['externalAccountId', 'limit', 'cursor']);
  });

  it('validates strictly, naming the field in the code', () => {
    const body = routeSchemas.registerCustomer.body;
    const valid = { externalAccountId: 'acct_1', email: 'ada@example.com', defaultCurrency: 'EUR' };
    expect(validate(body, 'body', valid)).to.equal('OK');
    expect(validate(body, 'body', { ...valid, name: null })).to.equal('OK');
    expect(validate(body, 'body', { ...valid, email: 'not-an-email' })).to.equal('INVALID_EMAIL');
    expect(validate(body, 'body', { ...valid, email: undefined })).to.equal('INVALID_EMAIL');
    expect(validate(body, 'body', { ...valid, defaultCurrency: 'eur' })).to.equal('INVALID_CURRENCY');
    expect(validate(body, 'body', { ...valid, extra: 1 })).to.equal('INVALID_REQUEST');
    expect(validate(body, 'body', { ...valid, externalAccountId: 'x'.repeat(129) })).to.equal('INVALID_EXTERNAL_ACCOUNT_ID');
    expect(validate(routeSchemas.getCustomer.params, 'params', { customerId: 'nope' })).to.equal('INVALID_CUSTOMER_ID');
    expect(validate(routeSchemas.listCustomers.querystring, 'querystring', { limit: '10' })).to.equal('OK');
    expect(validate(routeSchemas.listCustomers.querystring, 'querystring', { limit: '0' })).to.equal('INVALID_LIMIT');
    expect(validate(routeSchemas.registerCustomer.headers, 'headers', {})).to.equal('IDEMPOTENCY_KEY_REQUIRED');
    expect(validate(routeSchemas.registerCustomer.headers, 'headers', { 'idempotency-key': 'a b' })).to.equal('INVALID_IDEMPOTENCY_KEY');
  });
});
