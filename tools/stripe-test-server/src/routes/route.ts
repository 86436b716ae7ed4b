import type { FormParams } from '../form-params';
import type { Obj } from '../stripe-objects';

export interface RequestContext {
  readonly params: FormParams;
  readonly match: RegExpExecArray;
  readonly idempotencyKey: string | null;
  readonly requestId: string;
}

export type Handler = (context: RequestContext) => Obj;

/** Method, path pattern (its groups become `match`), handler: the first route that matches answers. */
export type Route = readonly [method: string, path: RegExp, handler: Handler];
