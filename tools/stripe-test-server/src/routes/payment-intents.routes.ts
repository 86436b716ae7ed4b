/** Payment intents: create (optionally confirming), retrieve, update, confirm, cancel, capture, list, search, and the
 * test helper that completes or fails a 3-D Secure authentication. */
import type { FormParams } from '../form-params';
import { paginate, search } from '../listing';
import { confirm, fail, succeed } from '../payment-intent-lifecycle';
import { bool, expandPaths, hash, int, metadataOf, onlyParams, str } from '../request-params';
import { invalid, missing, newId, now, type Obj, randomId } from '../stripe-objects';
import type { StripeState } from '../stripe-state';
import { requireCustomer } from './customers.routes';
import type { Route } from './route';

const authenticationFailedMessage =
  'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.';

export function requireIntent(state: StripeState, id: string): Obj {
  const intent = state.paymentIntents.get(id);
  if (!intent) throw missing('payment_intent', id);
  return intent;
}

function offSessionOf(params: FormParams): boolean {
  const value = str(params, 'off_session');
  if (value === undefined) return false;
  if (value === 'true' || value === 'one_off' || value === 'recurring') return true;
  if (value === 'false') return false;
  throw invalid(`Invalid off_session: ${value}`, 'off_session');
}

const confirmable = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action']);

export function paymentIntentRoutes(state: StripeState): Route[] {
  return [
    [
      'POST',
      /^\/v1\/payment_intents$/,
      ({ params }) => {
        onlyParams(params, [
          'amount', 'currency', 'customer', 'payment_method', 'confirm', 'off_session', 'metadata', 'description',
          'capture_method', 'payment_method_types', 'automatic_payment_methods', 'setup_future_usage', 'receipt_email',
          'statement_descriptor', 'statement_descriptor_suffix', 'return_url', 'confirmation_method', 'error_on_requires_action',
        ]);
        const amount = int(params, 'amount');
        if (amount === undefined) throw invalid('Missing required param: amount.', 'amount');
        if (amount < 1) throw invalid('This value must be greater than or equal to 1.', 'amount');
        const currency = str(params, 'currency');
        if (!currency) throw invalid('Missing required param: currency.', 'currency');
        if (!/^[a-zA-Z]{3}$/.test(currency)) throw invalid(`Invalid currency: ${currency}`, 'currency');
        const customerId = str(params, 'customer');
        if (customerId) requireCustomer(state, customerId, 'customer');
        const confirmNow = bool(params, 'confirm') ?? false;
        const offSession = offSessionOf(params);
        if (offSession && !confirmNow) throw invalid('off_session can only be used when confirm=true.', 'off_session');
        const captureMethod = str(params, 'capture_method') ?? 'automatic';
        if (!['automatic', 'automatic_async', 'manual'].includes(captureMethod)) throw invalid(`Invalid capture_method: ${captureMethod}`, 'capture_method');
        const paymentMethod = str(params, 'payment_method') ?? null;
        const types = params.payment_method_types;
        const id = newId('pi');
        const intent: Obj = {
          id,
          object: 'payment_intent',
          amount,
          amount_capturable: 0,
          amount_received: 0,
          automatic_payment_methods: hash(params, 'automatic_payment_methods')
            ? { enabled: hash(params, 'automatic_payment_methods')!.enabled === 'true' }
            : null,
          canceled_at: null,
          cancellation_reason: null,
          capture_method: captureMethod,
          client_secret: `${id}_secret_${randomId(24)}`,
          confirmation_method: str(params, 'confirmation_method') ?? 'automatic',
          created: now(),
          currency: currency.toLowerCase(),
          customer: customerId ?? null,
          description: str(params, 'description') ?? null,
          last_payment_error: null,
          latest_charge: null,
          livemode: false,
          metadata: metadataOf(params),
          next_action: null,
          payment_method: paymentMethod,
          payment_method_types: Array.isArray(types) ? types : ['card'],
          receipt_email: str(params, 'receipt_email') ?? null,
          setup_future_usage: str(params, 'setup_future_usage') ?? null,
          status: paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
        };
        if (confirmNow && !paymentMethod) confirm(state, intent, offSession); // throws the missing-payment-method error
        state.paymentIntents.set(id, intent);
        state.createdAtMs.set(id, Date.now());
        state.emit('payment_intent.created', intent);
        if (confirmNow) confirm(state, intent, offSession);
        return state.expand(intent, expandPaths(params));
      },
    ],
    ['GET', /^\/v1\/payment_intents\/search$/, ({ params }) =>
      search(state, [...state.paymentIntents.values()], params, '/v1/payment_intents/search', ['amount', 'currency', 'customer', 'status', 'created'])],
    [
      'GET',
      /^\/v1\/payment_intents$/,
      ({ params }) => {
        onlyParams(params, ['customer', 'limit', 'starting_after', 'ending_before', 'created']);
        const customer = str(params, 'customer');
        const items = [...state.paymentIntents.values()].filter((intent) => customer === undefined || intent.customer === customer);
        return paginate(items, params, '/v1/payment_intents');
      },
    ],
    ['GET', /^\/v1\/payment_intents\/([^/]+)$/, ({ params, match }) => {
      onlyParams(params, ['client_secret']);
      return state.expand(requireIntent(state, match[1]!), expandPaths(params));
    }],
    [
      'POST',
      /^\/v1\/payment_intents\/([^/]+)$/,
      ({ params, match }) => {
        onlyParams(params, ['metadata', 'description', 'payment_method', 'amount', 'currency', 'customer', 'receipt_email', 'setup_future_usage']);
        const intent = requireIntent(state, match[1]!);
        if (!confirmable.has(intent.status) && Object.keys(params).some((key) => key !== 'metadata' && key !== 'description' && key !== 'expand')) {
          throw invalid(`This PaymentIntent's parameters could not be updated because it has a status of ${intent.status}.`, undefined, 'payment_intent_unexpected_state');
        }
        intent.metadata = metadataOf(params, intent.metadata);
        const description = str(params, 'description');
        if (description !== undefined) intent.description = description || null;
        const amount = int(params, 'amount');
        if (amount !== undefined) intent.amount = amount;
        const paymentMethod = str(params, 'payment_method');
        if (paymentMethod !== undefined) {
          intent.payment_method = paymentMethod || null;
          if (intent.status === 'requires_payment_method' && paymentMethod) intent.status = 'requires_confirmation';
        }
        const customer = str(params, 'customer');
        if (customer) intent.customer = requireCustomer(state, customer, 'customer').id;
        return state.expand(intent, expandPaths(params));
      },
    ],
    [
      'POST',
      /^\/v1\/payment_intents\/([^/]+)\/confirm$/,
      ({ params, match }) => {
        onlyParams(params, ['payment_method', 'off_session', 'return_url', 'setup_future_usage', 'error_on_requires_action', 'receipt_email']);
        const intent = requireIntent(state, match[1]!);
        if (!confirmable.has(intent.status)) {
          throw invalid(
            `This PaymentIntent's status is ${intent.status}, but must be one of requires_payment_method, requires_confirmation, requires_action to be confirmed.`,
            undefined,
            'payment_intent_unexpected_state',
          );
        }
        const paymentMethod = str(params, 'payment_method');
        if (paymentMethod) intent.payment_method = paymentMethod;
        confirm(state, intent, offSessionOf(params));
        return state.expand(intent, expandPaths(params));
      },
    ],
    [
      'POST',
      /^\/v1\/payment_intents\/([^/]+)\/cancel$/,
      ({ params, match }) => {
        onlyParams(params, ['cancellation_reason']);
        const intent = requireIntent(state, match[1]!);
        if (intent.status === 'succeeded' || intent.status === 'canceled') {
          throw invalid(
            `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`,
            undefined,
            'payment_intent_unexpected_state',
          );
        }
        intent.status = 'canceled';
        intent.canceled_at = now();
        intent.cancellation_reason = str(params, 'cancellation_reason') ?? 'requested_by_customer';
        intent.next_action = null;
        state.emit('payment_intent.canceled', intent);
        return state.expand(intent, expandPaths(params));
      },
    ],
    [
      'POST',
      /^\/v1\/payment_intents\/([^/]+)\/capture$/,
      ({ params, match }) => {
        onlyParams(params, ['amount_to_capture', 'metadata']);
        const intent = requireIntent(state, match[1]!);
        if (intent.status !== 'requires_capture') {
          throw invalid(`This PaymentIntent could not be captured because it has a status of ${intent.status}.`, undefined, 'payment_intent_unexpected_state');
        }
        const amount = int(params, 'amount_to_capture') ?? intent.amount;
        const charge = state.charges.get(intent.latest_charge)!;
        charge.captured = true;
        charge.amount_captured = amount;
        intent.amount_received = amount;
        intent.amount_capturable = 0;
        intent.status = 'succeeded';
        intent.metadata = metadataOf(params, intent.metadata);
        state.emit('charge.captured', charge);
        state.emit('payment_intent.succeeded', intent);
        return state.expand(intent, expandPaths(params));
      },
    ],
    [
      // The test server's own: the 3-D Secure page's "Complete" / "Fail" for an intent that requires_action.
      'POST',
      /^\/v1\/test_helpers\/payment_intents\/([^/]+)\/authenticate$/,
      ({ params, match }) => {
        onlyParams(params, ['result']);
        const intent = requireIntent(state, match[1]!);
        const result = str(params, 'result');
        if (result !== 'complete' && result !== 'fail') throw invalid(`Invalid result: ${String(result)} (complete or fail)`, 'result');
        if (intent.status !== 'requires_action') {
          throw invalid(
            `This PaymentIntent's status is ${intent.status}, but must be requires_action to be authenticated.`,
            undefined,
            'payment_intent_unexpected_state',
          );
        }
        if (result === 'complete') succeed(state, intent);
        else fail(state, intent, { code: 'payment_intent_authentication_failure', declineCode: 'authentication_failure', message: authenticationFailedMessage });
        return state.expand(intent, expandPaths(params));
      },
    ],
  ];
}
