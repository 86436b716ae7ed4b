/** Customers: create, retrieve, update, delete, list (by email) and search. */
import type { FormParams } from '../form-params';
import { paginate, search } from '../listing';
import { expandPaths, hash, metadataOf, onlyParams, str } from '../request-params';
import { clone, invalid, missing, now, type Obj, randomId } from '../stripe-objects';
import type { StripeState } from '../stripe-state';
import type { Route } from './route';

const customerFields = ['email', 'name', 'description', 'phone', 'metadata', 'payment_method', 'invoice_settings', 'preferred_locales'];

export function requireCustomer(state: StripeState, id: string, param = 'id'): Obj {
  const customer = state.customers.get(id);
  if (!customer || customer.deleted) throw missing('customer', id, param);
  return customer;
}

function applyCustomerParams(customer: Obj, params: FormParams): void {
  for (const field of ['email', 'name', 'description', 'phone'] as const) {
    const value = str(params, field);
    if (value !== undefined) customer[field] = value === '' ? null : value;
  }
  if (customer.email !== null && customer.email !== undefined && !/^\S+@\S+$/.test(customer.email)) {
    throw invalid('Invalid email address: ' + customer.email, 'email', 'email_invalid');
  }
  customer.metadata = metadataOf(params, customer.metadata);
  const invoiceSettings = hash(params, 'invoice_settings');
  if (invoiceSettings?.default_payment_method !== undefined) {
    const pm = invoiceSettings.default_payment_method;
    customer.invoice_settings.default_payment_method = pm === '' ? null : pm;
  }
  const paymentMethod = str(params, 'payment_method');
  if (paymentMethod) customer.invoice_settings.default_payment_method ??= paymentMethod;
  const locales = params.preferred_locales;
  if (Array.isArray(locales)) customer.preferred_locales = locales;
}

export function customerRoutes(state: StripeState): Route[] {
  return [
    [
      'POST',
      /^\/v1\/customers$/,
      ({ params }) => {
        onlyParams(params, customerFields);
        const customer: Obj = {
          id: `cus_${randomId(14)}`,
          object: 'customer',
          address: null,
          balance: 0,
          created: now(),
          currency: null,
          default_source: null,
          delinquent: false,
          description: null,
          discount: null,
          email: null,
          invoice_prefix: randomId(8).toUpperCase(),
          invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
          livemode: false,
          metadata: {},
          name: null,
          phone: null,
          preferred_locales: [],
          shipping: null,
          tax_exempt: 'none',
          test_clock: null,
        };
        applyCustomerParams(customer, params);
        state.customers.set(customer.id, customer);
        state.createdAtMs.set(customer.id, Date.now());
        state.emit('customer.created', customer);
        return state.expand(customer, expandPaths(params));
      },
    ],
    ['GET', /^\/v1\/customers\/search$/, ({ params }) =>
      search(state, [...state.customers.values()].filter((c) => !c.deleted), params, '/v1/customers/search', ['email', 'name', 'phone', 'created'])],
    [
      'GET',
      /^\/v1\/customers$/,
      ({ params }) => {
        onlyParams(params, ['email', 'limit', 'starting_after', 'ending_before', 'created', 'test_clock']);
        const email = str(params, 'email');
        const items = [...state.customers.values()].filter((c) => !c.deleted && (email === undefined || c.email === email));
        return paginate(items, params, '/v1/customers');
      },
    ],
    [
      'GET',
      /^\/v1\/customers\/([^/]+)$/,
      ({ params, match }) => {
        const customer = state.customers.get(match[1]!);
        if (!customer) throw missing('customer', match[1]!);
        return customer.deleted ? { id: customer.id, object: 'customer', deleted: true } : state.expand(customer, expandPaths(params));
      },
    ],
    [
      'POST',
      /^\/v1\/customers\/([^/]+)$/,
      ({ params, match }) => {
        onlyParams(params, customerFields.filter((field) => field !== 'payment_method'));
        const customer = requireCustomer(state, match[1]!);
        const before = clone(customer);
        applyCustomerParams(customer, params);
        const previous: Obj = {};
        for (const key of Object.keys(customer)) if (JSON.stringify(before[key]) !== JSON.stringify(customer[key])) previous[key] = before[key];
        if (Object.keys(previous).length) state.emit('customer.updated', customer, previous);
        return state.expand(customer, expandPaths(params));
      },
    ],
    [
      'DELETE',
      /^\/v1\/customers\/([^/]+)$/,
      ({ match }) => {
        const customer = requireCustomer(state, match[1]!);
        customer.deleted = true;
        state.emit('customer.deleted', customer);
        return { id: customer.id, object: 'customer', deleted: true };
      },
    ],
  ];
}
