/**
 * Stripe's v1 wire format for parameters: `application/x-www-form-urlencoded` bodies and query strings with bracket
 * paths (`metadata[customerId]=x`, `expand[0]=refunds`, `invoice_settings[default_payment_method]=pm_1`), decoded
 * into nested objects and arrays of strings. An empty string is kept (Stripe uses it to unset a metadata key).
 */
export type FormValue = string | FormParams | FormValue[];
export interface FormParams {
  [key: string]: FormValue;
}

function pathOf(key: string): string[] {
  const first = key.indexOf('[');
  if (first < 0) return [key];
  const segments = [key.slice(0, first)];
  for (const match of key.slice(first).matchAll(/\[([^\]]*)\]/g)) segments.push(match[1] ?? '');
  return segments;
}

function assign(target: FormParams | FormValue[], path: string[], value: string): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const container = target as Record<string, FormValue>;
  const slot = Array.isArray(target) && head === '' ? String(target.length) : head;
  if (rest.length === 0) {
    container[slot] = value;
    return;
  }
  const nextIsIndex = rest[0] === '' || /^\d+$/.test(rest[0]!);
  let child = container[slot];
  if (child === undefined || typeof child === 'string') {
    child = nextIsIndex ? [] : {};
    container[slot] = child;
  }
  assign(child as FormParams | FormValue[], rest, value);
}

/** Decodes `a=1&b[c]=2&d[0]=x` into `{a:'1', b:{c:'2'}, d:['x']}`. */
export function decodeFormParams(encoded: string): FormParams {
  const params: FormParams = {};
  if (!encoded) return params;
  for (const [key, value] of new URLSearchParams(encoded)) assign(params, pathOf(key), value);
  return params;
}

/** A canonical form of decoded parameters, equal for equal parameters whatever their order (idempotency check). */
export function canonicalParams(value: FormValue | undefined): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalParams).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalParams(value[key])}`)
    .join(',')}}`;
}
