/**
 * The subset of Stripe's Search Query Language the test server answers (https://docs.stripe.com/search#search-query-language):
 * clauses `field:'value'` (exact), `field~'value'` (substring, 3+ characters), `field>n`, `field<n`, `field>=n`,
 * `field<=n` (numbers), `metadata['key']:'value'`, a leading `-` to negate, joined by all-`AND` or all-`OR` (mixing
 * them is refused, as Stripe does). Values in single or double quotes; numbers bare. Anything else throws
 * SearchQueryError, which the server answers with 400 invalid_request_error.
 */
export class SearchQueryError extends Error {
  override readonly name = 'SearchQueryError';
}

interface Clause {
  readonly field: string;
  /** Set for metadata['key']. */
  readonly metadataKey?: string;
  readonly operator: ':' | '~' | '>' | '<' | '>=' | '<=';
  readonly value: string;
  readonly negated: boolean;
}

export type SearchPredicate = (object: Record<string, unknown>) => boolean;

const clausePattern =
  /^\s*(-)?\s*(?:metadata\[\s*(?:'([^']*)'|"([^"]*)")\s*\]|([a-z_][a-z0-9_.]*))\s*(>=|<=|:|~|>|<)\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?))\s*/i;

function parseClauses(query: string): { clauses: Clause[]; joiner: 'AND' | 'OR' } {
  const clauses: Clause[] = [];
  const joiners = new Set<'AND' | 'OR'>();
  let rest = query;
  for (;;) {
    const match = clausePattern.exec(rest);
    if (!match) throw new SearchQueryError(`Invalid search query: could not parse \`${rest.trim() || query}\``);
    const [whole, negation, metaSingle, metaDouble, field, operator, single, double, number] = match;
    const metadataKey = metaSingle ?? metaDouble;
    clauses.push({
      field: metadataKey !== undefined ? 'metadata' : field!.toLowerCase(),
      ...(metadataKey !== undefined ? { metadataKey } : {}),
      operator: operator as Clause['operator'],
      value: single ?? double ?? number ?? '',
      negated: negation === '-',
    });
    rest = rest.slice(whole.length);
    if (rest.trim() === '') break;
    const joiner = /^(AND|OR)\s+/.exec(rest);
    if (!joiner) throw new SearchQueryError(`Invalid search query: expected AND or OR before \`${rest.trim()}\``);
    joiners.add(joiner[1] as 'AND' | 'OR');
    rest = rest.slice(joiner[0].length);
  }
  if (joiners.size > 1) throw new SearchQueryError('Invalid search query: AND and OR cannot be combined in one query');
  if (clauses.length > 10) throw new SearchQueryError('Invalid search query: at most 10 clauses');
  return { clauses, joiner: joiners.has('OR') ? 'OR' : 'AND' };
}

function clauseMatches(clause: Clause, object: Record<string, unknown>, fields: ReadonlySet<string>): boolean {
  let actual: unknown;
  if (clause.field === 'metadata') {
    if (clause.operator !== ':') throw new SearchQueryError('Invalid search query: metadata supports only `:`');
    actual = (object.metadata as Record<string, string> | undefined)?.[clause.metadataKey!];
  } else {
    if (!fields.has(clause.field)) throw new SearchQueryError(`Invalid search query: \`${clause.field}\` is not a searchable field`);
    actual = object[clause.field];
  }
  let result: boolean;
  switch (clause.operator) {
    case ':':
      // Stripe matches exact values case-insensitively for strings.
      result = actual !== undefined && actual !== null && String(actual).toLowerCase() === clause.value.toLowerCase();
      break;
    case '~':
      if (clause.value.length < 3) throw new SearchQueryError('Invalid search query: `~` needs at least 3 characters');
      result = typeof actual === 'string' && actual.toLowerCase().includes(clause.value.toLowerCase());
      break;
    default: {
      const left = Number(actual);
      const right = Number(clause.value);
      if (Number.isNaN(right)) throw new SearchQueryError(`Invalid search query: \`${clause.operator}\` needs a number`);
      result =
        clause.operator === '>' ? left > right : clause.operator === '<' ? left < right : clause.operator === '>=' ? left >= right : left <= right;
    }
  }
  return clause.negated ? !result : result;
}

/** Compiles a query for objects whose searchable top-level fields are `fields` (plus metadata). */
export function compileSearchQuery(query: string, fields: readonly string[]): SearchPredicate {
  if (!query.trim()) throw new SearchQueryError('Missing required param: query.');
  const { clauses, joiner } = parseClauses(query);
  const allowed = new Set(fields);
  // Validate fields up front so a bad query fails even on an empty collection.
  for (const clause of clauses) {
    if (clause.field !== 'metadata' && !allowed.has(clause.field)) {
      throw new SearchQueryError(`Invalid search query: \`${clause.field}\` is not a searchable field`);
    }
  }
  return (object) =>
    joiner === 'AND'
      ? clauses.every((clause) => clauseMatches(clause, object, allowed))
      : clauses.some((clause) => clauseMatches(clause, object, allowed));
}
