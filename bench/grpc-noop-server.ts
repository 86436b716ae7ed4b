/**
 * A billing.credit.v1.CreditService that does no work: Reserve and Capture answer at once, through the same proto
 * loader, handler wrapper (service-token authentication, error mapping) and server settings as the credit service.
 * credit-reserve drives it with the same load to measure what gRPC alone costs on this machine. Prints its port.
 */
import { randomUUID } from 'node:crypto';
import { loadProto, ServiceTokens, silentLogger, startGrpcServer, unaryHandlers } from '@billing/platform';

const proto = loadProto('billing/credit/v1/credit.proto') as any;
const handlers = unaryHandlers(
  { tokens: new ServiceTokens(process.env.SERVICE_TOKENS!), logger: silentLogger(), errorStatus: {} },
  {
    Reserve: async (request) => ({ reservationId: randomUUID(), customerId: request.customerId, amount: request.amount, status: 'HELD', expiresAt: new Date().toISOString(), availableAfter: 0 }),
    Capture: async (request) => ({ reservationId: request.reservationId, captured: request.amount, released: 0 }),
  },
);
const { port } = await startGrpcServer((server) => server.addService(proto.billing.credit.v1.CreditService.service, handlers), 0);
console.log(port);
