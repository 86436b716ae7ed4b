/** The one error shape every REST endpoint answers with: `{ error: { code, message, details } }`. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** An error raised in the interface layer itself (bad request shape, auth, idempotency) with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Errors from the domain and application layers carry a stable machine code; each service maps codes to statuses. */
export interface CodedError {
  code: string;
  message: string;
  details?: unknown;
}

export const isCodedError = (error: unknown): error is CodedError =>
  error instanceof Error && typeof (error as unknown as { code?: unknown }).code === 'string' && /^[A-Z][A-Z0-9_]+$/.test((error as unknown as { code: string }).code);
