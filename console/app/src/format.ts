/** How numbers, money and instants read in the console: credits as the API gives them, times in UTC. */

/** Credits as the API counts them, digits only, so what an operator reads matches the API and the ledger exactly. */
export const credits = (value: number) => String(value);

export const signed = (value: number) => (value > 0 ? `+${value}` : String(value));

const MINOR_UNIT_DIGITS: Record<string, number> = { JPY: 0, KRW: 0 };

export function money(amount: number, currency: string): string {
  const digits = MINOR_UNIT_DIGITS[currency.toUpperCase()] ?? 2;
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: digits }).format(
    amount / 10 ** digits,
  );
}

export function instant(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function day(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '—';
}

/** The first characters of an id: enough to tell rows apart, the full id is in the title. */
export const shortId = (id: string) => id.slice(0, 8);
