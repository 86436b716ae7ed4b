import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { type MessageContext, newTraceparent } from '@billing/platform';

// The use cases know nothing of tracing, yet every outbox row must carry the context of what caused it: the interface
// layer (a REST request, a gRPC call, a job run) runs the use case inside its context and the repository reads it here.
const storage = new AsyncLocalStorage<MessageContext>();

export function withMessageContext<T>(context: MessageContext, work: () => Promise<T>): Promise<T> {
  return storage.run(context, work);
}

/** A fresh context for work that no request caused (a job run). */
export const newMessageContext = (): MessageContext => ({ correlationId: randomUUID(), traceparent: newTraceparent() });

/** The context of the work in progress; a fresh one when none was set, so an event is never written without one. */
export const currentMessageContext = (): MessageContext => storage.getStore() ?? newMessageContext();
