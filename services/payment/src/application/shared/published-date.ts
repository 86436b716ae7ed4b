/** A timestamp another service published (ISO 8601); one that cannot be read counts as `fallback` (usually now). */
export const publishedDateOr = (iso: string, fallback: Date): Date => (Number.isNaN(Date.parse(iso)) ? fallback : new Date(iso));
