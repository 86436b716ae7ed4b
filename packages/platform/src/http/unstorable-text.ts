const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether parsed request data (params, query, a JSON body) holds text PostgreSQL cannot store as sent: it refuses NUL
 * (the request would end in a 500), and a lone surrogate would be stored altered, as U+FFFD. Keys count too. A work
 * list, not recursion: a body may nest deeper than the stack.
 */
export function holdsUnstorableText(value: unknown): boolean {
  const pending = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string' && unstorable.test(item)) return true;
    if (typeof item !== 'object' || item === null || Buffer.isBuffer(item)) continue;
    for (const [key, nested] of Object.entries(item)) {
      if (unstorable.test(key)) return true;
      pending.push(nested);
    }
  }
  return false;
}
