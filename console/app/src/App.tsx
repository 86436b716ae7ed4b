import { useCallback, useEffect, useMemo, useState } from 'react';
import { request, setCsrfToken, whenUnauthenticated } from './api/client';
import type { Session } from './api/types';
import { Link, navigate, Redirect, useLocation } from './router';
import { ConsoleContext, type Console } from './session';
import { LoginPage } from './pages/LoginPage';
import { CustomersPage } from './pages/CustomersPage';
import { CustomerPage } from './pages/CustomerPage';
import { PlansPage } from './pages/PlansPage';
import { OperationsPage } from './pages/OperationsPage';

type SessionState = { status: 'checking' } | { status: 'signed-out' } | { status: 'signed-in'; session: Session };

const loginPath = (from: string) => (from.startsWith('/login') ? '/login' : `/login?next=${encodeURIComponent(from)}`);

export function App() {
  const location = useLocation();
  const [state, setState] = useState<SessionState>({ status: 'checking' });
  const [announcement, setAnnouncement] = useState({ text: '', count: 0 });

  const signedIn = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({ status: 'signed-in', session });
  }, []);

  const signedOut = useCallback(() => {
    setCsrfToken(null);
    setState({ status: 'signed-out' });
    navigate(loginPath(window.location.pathname + window.location.search), { replace: true });
  }, []);

  useEffect(() => {
    whenUnauthenticated(signedOut);
    request<Session>('/api/session', { unauthenticatedIsError: true }).then(signedIn, () => signedOut());
  }, [signedIn, signedOut]);

  const context = useMemo<Console | null>(
    () =>
      state.status === 'signed-in'
        ? { session: state.session, canWrite: state.session.role === 'operator', announce: (text: string) => setAnnouncement((previous) => ({ text, count: previous.count + 1 })) }
        : null,
    [state],
  );

  // What an action did belongs to the page it was done on.
  const path = location.pathname;
  useEffect(() => setAnnouncement((previous) => ({ text: '', count: previous.count })), [path]);

  const signOut = async () => {
    await request('/api/session', { method: 'DELETE' }).catch(() => undefined);
    setCsrfToken(null);
    setState({ status: 'signed-out' });
    navigate('/login');
  };

  let page: React.ReactNode;
  if (path === '/login') {
    page = <LoginPage onSignedIn={signedIn} next={location.searchParams.get('next')} />;
  } else if (state.status === 'checking') {
    page = <p className="muted">Loading…</p>;
  } else if (!context) {
    page = <Redirect to={loginPath(path + location.search)} />;
  } else {
    page = route(path, location.searchParams);
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="app-title">Billing console</span>
        {context && (
          <>
            <nav aria-label="Main">
              <ul>
                <NavLink href="/customers" current={path.startsWith('/customers')}>
                  Customers
                </NavLink>
                <NavLink href="/plans" current={path === '/plans'}>
                  Plans
                </NavLink>
                <NavLink href="/operations" current={path === '/operations'}>
                  Operations
                </NavLink>
              </ul>
            </nav>
            <div className="who">
              <span>
                {context.session.name} <span className="role">({context.session.role})</span>
              </span>
              <button type="button" className="secondary" onClick={signOut}>
                Sign out
              </button>
            </div>
          </>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <div role="status" aria-live="polite" className="announcement">
          {/* a new element per message, so the same words twice are read twice */}
          {announcement.text && <p key={announcement.count}>{announcement.text}</p>}
        </div>
        <ConsoleContext.Provider value={context}>{page}</ConsoleContext.Provider>
      </main>
    </>
  );
}

function route(path: string, search: URLSearchParams): React.ReactNode {
  if (path === '/') return <Redirect to="/customers" />;
  if (path === '/customers') return <CustomersPage query={search.get('query') ?? ''} />;
  const customer = /^\/customers\/([^/]+)$/.exec(path);
  if (customer?.[1]) return <CustomerPage key={customer[1]} customerId={decodeURIComponent(customer[1])} />;
  if (path === '/plans') return <PlansPage />;
  if (path === '/operations') return <OperationsPage />;
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is no page at {path}. <Link href="/customers">Go to the customers</Link>.
      </p>
    </>
  );
}

function NavLink({ href, current, children }: { href: string; current: boolean; children: React.ReactNode }) {
  return (
    <li>
      <Link href={href} aria-current={current ? 'page' : undefined}>
        {children}
      </Link>
    </li>
  );
}
