/**
 * An in-process billing.credit.v1.CreditService for the client's tests, with faults on purpose: a method can commit
 * its write and then answer UNAVAILABLE, or answer after the caller's deadline, as a real network or a restarting
 * service can. Idempotency keys are honoured as the real service honours them, so a hold held twice shows up here.
 */
import { GrpcError, loadProto, ServiceTokens, silentLogger, startGrpcServer, unaryHandlers } from '@billing/platform';
import * as grpc from '@grpc/grpc-js';

type Method = 'GetBalance' | 'Reserve' | 'Capture' | 'Release';

interface StoredReservation {
  reservationId: string;
  customerId: string;
  amount: number;
  status: 'HELD' | 'CAPTURED' | 'RELEASED' | 'EXPIRED';
  expiresAt: string;
}

class CodedFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Fault {
  /** Commit, then answer UNAVAILABLE this many times. */
  unavailableAfterCommit?: number;
  /** Commit, then answer only after this many ms, this many times ({ times, ms }). */
  lateAfterCommit?: { times: number; ms: number };
  /** Answer UNAVAILABLE without doing anything, every time. */
  alwaysUnavailable?: boolean;
}

export interface FlakyCreditServer {
  url: string;
  token: string;
  /** A token scoped to `scopedCustomer`. */
  scopedToken: string;
  scopedCustomer: string;
  /** Calls received per method, retries included. */
  calls: Record<Method, object[]>;
  reservations: Map<string, StoredReservation>;
  balances: Map<string, { balance: number; held: number }>;
  faults: Partial<Record<Method, Fault>>;
  grant(customerId: string, amount: number): void;
  /** Marks a held reservation expired, as the TTL sweep would. */
  expire(reservationId: string): void;
  close(): Promise<void>;
}

export async function startFlakyCreditServer(): Promise<FlakyCreditServer> {
  const token = `client-test-${crypto.randomUUID()}`;
  const scopedToken = `client-scoped-${crypto.randomUUID()}`;
  const scopedCustomer = `scoped-${crypto.randomUUID()}`;
  const calls: FlakyCreditServer['calls'] = { GetBalance: [], Reserve: [], Capture: [], Release: [] };
  const reservations = new Map<string, StoredReservation>();
  const balances = new Map<string, { balance: number; held: number }>();
  const answered = new Map<string, unknown>();
  const faults: FlakyCreditServer['faults'] = {};
  const account = (customerId: string) => {
    const found = balances.get(customerId);
    if (!found) throw new CodedFailure('ACCOUNT_NOT_FOUND', `no account for ${customerId}`);
    return found;
  };
  const forbidUnlessOwn = (principal: { customerId?: string }, customerId: string) => {
    if (principal.customerId !== undefined && principal.customerId !== customerId) throw new GrpcError(grpc.status.PERMISSION_DENIED, 'another customer', 'FORBIDDEN');
  };
  const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Runs the write once per idempotency key, then plays the method's fault. */
  const write = async (method: Method, request: { idempotencyKey: string }, apply: () => unknown) => {
    calls[method].push(request);
    const fault = faults[method] ?? {};
    if (fault.alwaysUnavailable) throw new GrpcError(grpc.status.UNAVAILABLE, 'the service is restarting', 'UNAVAILABLE');
    const scope = `${method}:${request.idempotencyKey}`;
    if (!answered.has(scope)) answered.set(scope, apply());
    if (fault.unavailableAfterCommit) {
      fault.unavailableAfterCommit -= 1;
      throw new GrpcError(grpc.status.UNAVAILABLE, 'connection reset after commit', 'UNAVAILABLE');
    }
    if (fault.lateAfterCommit && fault.lateAfterCommit.times > 0) {
      fault.lateAfterCommit.times -= 1;
      await delay(fault.lateAfterCommit.ms);
    }
    return answered.get(scope);
  };
  const resolvable = (reservationId: string) => {
    const reservation = reservations.get(reservationId);
    if (!reservation) throw new CodedFailure('RESERVATION_NOT_FOUND', `no reservation ${reservationId}`);
    if (reservation.status === 'EXPIRED') throw new CodedFailure('RESERVATION_EXPIRED', `reservation ${reservationId} expired`);
    if (reservation.status !== 'HELD') throw new CodedFailure('RESERVATION_ALREADY_RESOLVED', `reservation ${reservationId} is ${reservation.status}`);
    return reservation;
  };
  const proto = loadProto('billing/credit/v1/credit.proto') as any;
  const { server, port } = await startGrpcServer((grpcServer) => {
    grpcServer.addService(
      proto.billing.credit.v1.CreditService.service,
      unaryHandlers(
        {
          tokens: new ServiceTokens(`test:${token},scoped:${scopedToken}:${scopedCustomer}`),
          logger: silentLogger(),
          errorStatus: { ACCOUNT_NOT_FOUND: grpc.status.NOT_FOUND, RESERVATION_NOT_FOUND: grpc.status.NOT_FOUND },
        },
        {
          GetBalance: async (request, call) => {
            calls.GetBalance.push(request);
            if (faults.GetBalance?.alwaysUnavailable) throw new GrpcError(grpc.status.UNAVAILABLE, 'restarting', 'UNAVAILABLE');
            forbidUnlessOwn(call.principal, request.customerId);
            const { balance, held } = account(request.customerId);
            return { customerId: request.customerId, balance, available: balance - held, held, grants: [] };
          },
          Reserve: async (request, call) => {
            forbidUnlessOwn(call.principal, request.customerId);
            return write('Reserve', request, () => {
              const credits = account(request.customerId);
              if (credits.balance - credits.held < request.amount) throw new CodedFailure('INSUFFICIENT_CREDITS', `${request.amount} credits are not available`);
              const reservationId = crypto.randomUUID();
              credits.held += request.amount;
              const expiresAt = new Date(Date.now() + request.ttlSeconds * 1000).toISOString();
              reservations.set(reservationId, { reservationId, customerId: request.customerId, amount: request.amount, status: 'HELD', expiresAt });
              return { reservationId, customerId: request.customerId, amount: request.amount, status: 'HELD', expiresAt, availableAfter: credits.balance - credits.held };
            }).then((first) => ({ ...(first as object), status: reservations.get((first as StoredReservation).reservationId)!.status }));
          },
          Capture: async (request) =>
            write('Capture', request, () => {
              const reservation = resolvable(request.reservationId);
              if (request.amount > reservation.amount) throw new CodedFailure('CAPTURE_EXCEEDS_HOLD', `capture of ${request.amount} exceeds the hold`);
              const credits = account(reservation.customerId);
              credits.held -= reservation.amount;
              credits.balance -= request.amount;
              reservation.status = 'CAPTURED';
              return { reservationId: reservation.reservationId, captured: request.amount, released: reservation.amount - request.amount };
            }),
          Release: async (request) =>
            write('Release', request, () => {
              const reservation = resolvable(request.reservationId);
              account(reservation.customerId).held -= reservation.amount;
              reservation.status = 'RELEASED';
              return { reservationId: reservation.reservationId, released: reservation.amount };
            }),
        },
      ),
    );
  }, 0);
  return {
    url: `grpc://127.0.0.1:${port}`,
    token,
    scopedToken,
    scopedCustomer,
    calls,
    reservations,
    balances,
    faults,
    grant: (customerId, amount) => {
      const credits = balances.get(customerId) ?? { balance: 0, held: 0 };
      credits.balance += amount;
      balances.set(customerId, credits);
    },
    expire: (reservationId) => {
      const reservation = reservations.get(reservationId)!;
      reservation.status = 'EXPIRED';
      account(reservation.customerId).held -= reservation.amount;
    },
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}
