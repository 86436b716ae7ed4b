/** Where each service listens by default (each main.ts has the same defaults); npm start and docker-compose use these. */
export const servicePorts: Record<string, { http: number; grpc?: number }> = {
  customer: { http: 3001, grpc: 50051 },
  credit: { http: 3002, grpc: 50052 },
  subscription: { http: 3003 },
  payment: { http: 3004 },
};
