/** Reading Stripe's form-encoded parameters, with Stripe's 400 for a wrong type or an unknown parameter. */
import type { FormParams, FormValue } from './form-params';
import { invalid } from './stripe-objects';

export function str(params: FormParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`Invalid string: ${name}`, name);
  return value;
}

export function int(params: FormParams, name: string): number | undefined {
  const value = str(params, name);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw invalid(`Invalid integer: ${value}`, name);
  return Number(value);
}

export function bool(params: FormParams, name: string): boolean | undefined {
  const value = str(params, name);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw invalid(`Invalid boolean: ${value}`, name);
  return value === 'true';
}

export function hash(params: FormParams, name: string): Record<string, FormValue> | undefined {
  const value = params[name];
  if (value === undefined || value === '') return value === '' ? {} : undefined;
  if (typeof value === 'string' || Array.isArray(value)) throw invalid(`Invalid hash: ${name}`, name);
  return value;
}

export function metadataOf(params: FormParams, current: Record<string, string> = {}): Record<string, string> {
  const value = params.metadata;
  if (value === undefined) return current;
  if (value === '') return {};
  const update = hash(params, 'metadata')!;
  const merged = { ...current };
  for (const [key, entry] of Object.entries(update)) {
    if (typeof entry !== 'string') throw invalid(`Invalid metadata value for ${key}`, `metadata[${key}]`);
    if (entry === '') delete merged[key];
    else merged[key] = entry;
  }
  if (Object.keys(merged).length > 50) throw invalid('Metadata can have at most 50 keys', 'metadata');
  return merged;
}

export function expandPaths(params: FormParams): string[] {
  const value = params.expand;
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry) => {
    if (typeof entry !== 'string') throw invalid('Invalid expand', 'expand');
    return entry;
  });
}

export function onlyParams(params: FormParams, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (key !== 'expand' && !allowed.includes(key)) throw invalid(`Received unknown parameter: ${key}`, key);
  }
}
