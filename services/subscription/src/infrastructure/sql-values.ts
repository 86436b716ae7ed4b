/** PostgreSQL values as the driver returns them (timestamptz and bigint as text) → what the domain takes. */
export function toDate(value: unknown): Date {
  const date = value instanceof Date ? new Date(value.getTime()) : new Date(String(value).replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
  if (Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${String(value)}`);
  return date;
}

export const toDateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : toDate(value));

export function toNumber(value: unknown): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(number)) throw new Error(`not a safe integer: ${String(value)}`);
  return number;
}

export const toNumberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : toNumber(value));

/** PostgreSQL unique_violation, optionally of one constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const { code, constraint: violated } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && (constraint === undefined || violated === constraint);
}
