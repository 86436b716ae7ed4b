import type { ApiError } from '../api/client';

/** A read that failed: what, why (the service's message and code), and a way to try again. */
export function LoadError({ what, error, retry }: { what: string; error: ApiError; retry: () => void }) {
  return (
    <div className="load-error" role="alert">
      <p>
        Could not load {what}: {error.message} <span className="muted">({error.code})</span>
      </p>
      <button type="button" className="secondary" onClick={retry}>
        Try again
      </button>
    </div>
  );
}
