import { useCallback, useState } from 'react';
import { get, servicePath } from '../api/client';
import type { Customer } from '../api/types';
import { LoadError } from '../components/LoadError';
import { BalanceSection } from '../customer/BalanceSection';
import { GrantsSection } from '../customer/GrantsSection';
import { LedgerSection } from '../customer/LedgerSection';
import { PaymentsSection } from '../customer/PaymentsSection';
import { ReservationsSection } from '../customer/ReservationsSection';
import { SubscriptionsSection } from '../customer/SubscriptionsSection';
import { day } from '../format';
import { Link } from '../router';
import { usePageTitle } from '../usePageTitle';
import { useResource } from '../useResource';

/**
 * One customer: credits (balance, chart, grants, reservations, ledger), subscriptions and payments. An action that
 * changes credits bumps `version`, and every section reads again.
 */
export function CustomerPage({ customerId }: { customerId: string }) {
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((value) => value + 1), []);
  const customer = useResource(() => get<Customer>(servicePath('customer', `/customers/${encodeURIComponent(customerId)}`)), [customerId]);
  usePageTitle(customer.data ? customer.data.name ?? customer.data.email : 'Customer');

  if (customer.error) {
    return (
      <>
        <h1>Customer</h1>
        <LoadError what="the customer" error={customer.error} retry={customer.reload} />
        <p>
          <Link href="/customers">Back to the customers</Link>
        </p>
      </>
    );
  }
  if (!customer.data) {
    return (
      <>
        <h1>Customer</h1>
        <p className="muted">Loading…</p>
      </>
    );
  }

  const { name, email, externalAccountId, status, defaultCurrency, createdAt } = customer.data;
  return (
    <>
      <p className="breadcrumb">
        <Link href="/customers">Customers</Link>
      </p>
      <h1>
        {name ?? email}
        {name && <span className="h1-secondary"> {email}</span>}
      </h1>
      <dl className="facts">
        <div>
          <dt>External id</dt>
          <dd>{externalAccountId}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{status}</dd>
        </div>
        <div>
          <dt>Currency</dt>
          <dd>{defaultCurrency}</dd>
        </div>
        <div>
          <dt>Registered</dt>
          <dd>{day(createdAt)}</dd>
        </div>
        <div>
          <dt>Customer id</dt>
          <dd className="mono">{customerId}</dd>
        </div>
      </dl>
      <BalanceSection customerId={customerId} version={version} onChanged={refresh} />
      <GrantsSection customerId={customerId} version={version} onChanged={refresh} />
      <ReservationsSection customerId={customerId} version={version} />
      <LedgerSection customerId={customerId} version={version} />
      <SubscriptionsSection customerId={customerId} version={version} onChanged={refresh} />
      <PaymentsSection customerId={customerId} version={version} onChanged={refresh} />
    </>
  );
}
