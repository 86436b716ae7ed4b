import { useId, useState, type FormEvent } from 'react';
import { ApiError, request } from '../api/client';
import type { Session } from '../api/types';
import { navigate } from '../router';
import { usePageTitle } from '../usePageTitle';

/** Where to go after signing in: only a path of this app (an open redirect would hand the session to another site). */
const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/customers');

export function LoginPage({ onSignedIn, next }: { onSignedIn: (session: Session) => void; next: string | null }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();
  usePageTitle('Sign in');

  const signIn = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const session = await request<Session>('/api/session', {
        method: 'POST',
        body: { name: form.get('name'), password: form.get('password') },
        unauthenticatedIsError: true,
      });
      onSignedIn(session);
      navigate(safeNext(next), { replace: true });
    } catch (caught) {
      setError(caught instanceof ApiError ? messageFor(caught) : String(caught));
      setBusy(false);
    }
  };

  return (
    <section className="login">
      <h1>Sign in</h1>
      <form onSubmit={signIn} aria-describedby={error ? errorId : undefined}>
        {error && (
          <p id={errorId} className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor="login-name">Name</label>
          <input id="login-name" name="name" autoComplete="username" required aria-invalid={error ? true : undefined} />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input id="login-password" name="password" type="password" autoComplete="current-password" required aria-invalid={error ? true : undefined} />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}

function messageFor(error: ApiError): string {
  if (error.code === 'INVALID_CREDENTIALS') return 'That name and password do not match.';
  return error.message;
}
