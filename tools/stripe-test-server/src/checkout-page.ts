/**
 * The local Stripe server's hosted test-checkout page (`GET /pay/<ref>`), so a person can pay a payment of `npm start`
 * as a customer would, without Stripe.js: one small server-rendered HTML page, no scripts, no external assets. Its
 * buttons are form POSTs to the same URL; the server turns each into the API call a browser would make
 * (`POST /v1/payment_intents/:id/confirm` with a test card, or the 3-D Secure page's complete / fail) and answers
 * 303 back to the page. This file only renders and parses; stripe-test-server.ts routes.
 */

/** Stripe's test payment methods the page and the CLI offer, by the name the CLI takes (`--card <name>`). */
export const testCards = {
  visa: { paymentMethod: 'pm_card_visa', label: 'Visa — succeeds' },
  declined: { paymentMethod: 'pm_card_chargeDeclined', label: 'Declined card' },
  insufficient_funds: { paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds', label: 'Insufficient funds' },
  authentication_required: { paymentMethod: 'pm_card_authenticationRequired', label: 'Requires authentication (3-D Secure)' },
} as const;

export type TestCardName = keyof typeof testCards;

export const isTestCardName = (name: string): name is TestCardName => Object.hasOwn(testCards, name);

/** What a POST to /pay/<ref> asks for (form field `action`). */
export type CheckoutAction =
  | { readonly kind: 'pay'; readonly card: TestCardName }
  | { readonly kind: 'authenticate'; readonly result: 'complete' | 'fail' };

export function checkoutActionOf(formBody: string): CheckoutAction | undefined {
  const action = new URLSearchParams(formBody).get('action') ?? '';
  if (action.startsWith('pay:')) {
    const card = action.slice('pay:'.length);
    return isTestCardName(card) ? { kind: 'pay', card } : undefined;
  }
  if (action === 'authenticate:complete' || action === 'authenticate:fail') {
    return { kind: 'authenticate', result: action === 'authenticate:complete' ? 'complete' : 'fail' };
  }
  return undefined;
}

/** `amount` in minor units as the currency writes it (1000 eur → €10.00, 500 jpy → ¥500). */
export function formatAmount(amount: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() });
    return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
  } catch {
    return `${amount} ${currency.toUpperCase()} (minor units)`;
  }
}

const escapeHtml = (text: unknown) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Objects are the API's JSON here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Intent = Record<string, any>;

const payable = new Set(['requires_payment_method', 'requires_confirmation']);

function outcomeOf(intent: Intent): { tone: 'ok' | 'bad' | 'info'; text: string } | undefined {
  switch (intent.status) {
    case 'succeeded':
      return { tone: 'ok', text: 'Payment succeeded.' };
    case 'canceled':
      return { tone: 'info', text: `This payment was canceled${intent.cancellation_reason ? ` (${intent.cancellation_reason})` : ''}.` };
    case 'processing':
      return { tone: 'info', text: 'The payment is processing.' };
    case 'requires_capture':
      return { tone: 'ok', text: 'The payment is authorized and waits for capture.' };
    case 'requires_action':
      return { tone: 'info', text: 'Your bank asks you to authenticate this payment (test 3-D Secure).' };
    default: {
      const error = intent.last_payment_error;
      if (!error) return undefined;
      const code = [error.code, error.decline_code !== error.code ? error.decline_code : undefined].filter(Boolean).join(' / ');
      return { tone: 'bad', text: `Payment failed: ${error.message}${code ? ` (${code})` : ''} Try another card.` };
    }
  }
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; }
h1 { font-size: 1.25rem; } .amount { font-size: 2rem; font-weight: 600; margin: .5rem 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; color: #444; } dt { font-weight: 600; }
.note { padding: .75rem 1rem; border-radius: .5rem; margin: 1rem 0; } .ok { background: #e6f6ea; } .bad { background: #fde8e8; } .info { background: #eef2fb; }
form { display: grid; gap: .5rem; margin-top: 1rem; } button { font: inherit; padding: .6rem 1rem; border: 1px solid #999; border-radius: .5rem; background: #fff; cursor: pointer; text-align: left; }
button.primary { background: #635bff; border-color: #635bff; color: #fff; } footer { margin-top: 2rem; font-size: .8rem; color: #777; }
</style>
</head>
<body>
${body}
<footer>Local Stripe-compatible test server — no real card is charged.</footer>
</body>
</html>
`;
}

export function renderCheckoutPage(intent: Intent, options: { readonly error?: string } = {}): string {
  const metadata: Record<string, string> = intent.metadata ?? {};
  // The payment service's purposes are CREDIT_TOP_UP / SUBSCRIPTION_PERIOD: "Credit top up", "Subscription period".
  const purpose = metadata.purpose ? metadata.purpose.charAt(0) + metadata.purpose.slice(1).toLowerCase().replaceAll('_', ' ') : undefined;
  const what = intent.description ?? purpose ?? 'Payment';
  // Every metadata entry (paymentId, customerId, credits, subscriptionId, periodIndex, attempt, …) as the service set it.
  const rows: Array<[string, unknown]> = [
    ['status', intent.status],
    ...Object.entries(metadata),
    ['Stripe customer', intent.customer],
    ['PaymentIntent', intent.id],
  ];
  const outcome = outcomeOf(intent);
  let actions = '';
  if (payable.has(intent.status)) {
    actions = Object.entries(testCards)
      .map(([name, card], index) =>
        `<button name="action" value="pay:${name}"${index === 0 ? ' class="primary"' : ''}>${escapeHtml(card.label)} <small>(${card.paymentMethod})</small></button>`,
      )
      .join('\n');
  } else if (intent.status === 'requires_action') {
    actions = [
      '<button name="action" value="authenticate:complete" class="primary">Complete authentication</button>',
      '<button name="action" value="authenticate:fail">Fail authentication</button>',
    ].join('\n');
  }
  return page(
    `${what} — ${formatAmount(intent.amount, intent.currency)}`,
    `<h1>${escapeHtml(what)}</h1>
<div class="amount">${escapeHtml(formatAmount(intent.amount, intent.currency))}</div>
<dl>${rows
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`)
      .join('')}</dl>
${options.error ? `<div class="note bad">${escapeHtml(options.error)}</div>` : ''}
${outcome ? `<div class="note ${outcome.tone}">${escapeHtml(outcome.text)}</div>` : ''}
${actions ? `<form method="post">\n${actions}\n</form>` : ''}`,
  );
}

export function renderNotFoundPage(ref: string): string {
  return page(
    'No such payment',
    `<h1>No such payment</h1>
<p>No PaymentIntent on this local Stripe server matches <code>${escapeHtml(ref)}</code> (a <code>pi_…</code> id, its client
secret, or the platform's payment id).</p>`,
  );
}

export function renderUnavailablePage(): string {
  return page('Stripe is down', '<h1>Stripe is down</h1><p>The local Stripe server is simulating an outage (setDown).</p>');
}
