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

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether bytes are well-formed UTF-8 (a JSON body must be: `\xff\xfe` would otherwise be stored as U+FFFD). */
export function isWellFormedUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
