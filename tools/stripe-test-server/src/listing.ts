/** Stripe's two ways to page: lists (starting_after / ending_before) and search (query, page). */
import type { FormParams } from './form-params';
import { int, onlyParams, str } from './request-params';
import { compileSearchQuery, SearchQueryError } from './search-query';
import { clone, invalid, missing, type Obj } from './stripe-objects';
import type { StripeState } from './stripe-state';

export function paginate(items: Obj[], params: FormParams, url: string): Obj {
  const limit = int(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalid('Invalid limit: must be between 1 and 100', 'limit');
  // Newest first, as Stripe lists.
  let ordered = [...items].reverse();
  const startingAfter = str(params, 'starting_after');
  const endingBefore = str(params, 'ending_before');
  if (startingAfter) {
    const index = ordered.findIndex((item) => item.id === startingAfter);
    if (index < 0) throw missing('object', startingAfter, 'starting_after');
    ordered = ordered.slice(index + 1);
  } else if (endingBefore) {
    const index = ordered.findIndex((item) => item.id === endingBefore);
    if (index < 0) throw missing('object', endingBefore, 'ending_before');
    ordered = ordered.slice(Math.max(0, index - limit), index);
    return { object: 'list', data: ordered.map(clone), has_more: index - limit > 0, url };
  }
  return { object: 'list', data: ordered.slice(0, limit).map(clone), has_more: ordered.length > limit, url };
}

export function search(state: StripeState, all: Obj[], params: FormParams, url: string, fields: readonly string[]): Obj {
  const indexedBefore = Date.now() - state.searchLagMs;
  const items = all.filter((item) => (state.createdAtMs.get(item.id) ?? 0) <= indexedBefore);
  onlyParams(params, ['query', 'limit', 'page']);
  const query = str(params, 'query');
  if (!query) throw invalid('Missing required param: query.', 'query');
  let predicate;
  try {
    predicate = compileSearchQuery(query, fields);
  } catch (error) {
    if (error instanceof SearchQueryError) throw invalid(error.message, 'query');
    throw error;
  }
  const limit = int(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalid('Invalid limit: must be between 1 and 100', 'limit');
  const page = str(params, 'page');
  const offset = page ? Number(Buffer.from(page, 'base64url').toString()) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw invalid('Invalid page', 'page');
  const matching = [...items].reverse().filter(predicate);
  const data = matching.slice(offset, offset + limit).map(clone);
  const hasMore = matching.length > offset + limit;
  return {
    object: 'search_result',
    data,
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(String(offset + limit)).toString('base64url') : null,
    url,
  };
}
