import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { isCodedError } from '../http/api-error';
import type { Principal, ServiceTokens } from '../http/service-tokens';

export const protoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../proto');

/** Loads a service definition from proto/ (e.g. billing/credit/v1/credit.proto), keeping field names as written. */
export function loadProto(relativePath: string): grpc.GrpcObject {
  const definition = protoLoader.loadSync(join(protoRoot, relativePath), {
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
    includeDirs: [protoRoot],
  });
  return grpc.loadPackageDefinition(definition);
}

export class GrpcError extends Error {
  constructor(
    readonly status: grpc.status,
    message: string,
    readonly code = grpc.status[status],
  ) {
    super(message);
  }
}

export interface GrpcCallContext {
  principal: Principal;
  correlationId: string;
  traceparent?: string;
}

type UnaryImplementation = (request: any, context: GrpcCallContext) => Promise<unknown>;

export interface GrpcServiceOptions {
  tokens: ServiceTokens;
  logger: Logger;
  /** Domain/application error code → gRPC status; unlisted INVALID_* → INVALID_ARGUMENT, others → FAILED_PRECONDITION. */
  errorStatus: Record<string, grpc.status>;
}

const metadataValue = (metadata: grpc.Metadata, key: string) => {
  const [value] = metadata.get(key);
  return typeof value === 'string' && value.length <= 200 ? value : undefined;
};

/**
 * Wraps async unary implementations with authentication (metadata `authorization: Bearer <token>`), the correlation id
 * and error mapping: a coded domain error becomes a status with its code in the `error-code` trailer.
 */
export function unaryHandlers(options: GrpcServiceOptions, implementations: Record<string, UnaryImplementation>): grpc.UntypedServiceImplementation {
  return Object.fromEntries(
    Object.entries(implementations).map(([method, implementation]) => [
      method,
      (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const fail = (status: grpc.status, code: string, message: string) => {
          const trailer = new grpc.Metadata();
          trailer.set('error-code', code);
          callback({ code: status, details: message, metadata: trailer });
        };
        const principal = options.tokens.authenticate(metadataValue(call.metadata, 'authorization'));
        if (!principal) return fail(grpc.status.UNAUTHENTICATED, 'UNAUTHENTICATED', 'a valid service token is required');
        const context: GrpcCallContext = {
          principal,
          correlationId: metadataValue(call.metadata, 'x-correlation-id') ?? crypto.randomUUID(),
          traceparent: metadataValue(call.metadata, 'traceparent'),
        };
        implementation(call.request, context).then(
          (response) => callback(null, response),
          (error: unknown) => {
            if (error instanceof GrpcError) return fail(error.status, error.code, error.message);
            if (isCodedError(error)) {
              const status = options.errorStatus[error.code] ?? (error.code.startsWith('INVALID_') ? grpc.status.INVALID_ARGUMENT : grpc.status.FAILED_PRECONDITION);
              return fail(status, error.code, error.message);
            }
            options.logger.error({ err: error, method, correlationId: context.correlationId }, 'unhandled gRPC error');
            return fail(grpc.status.INTERNAL, 'INTERNAL', 'internal error');
          },
        );
      },
    ]),
  );
}

/** Starts a server on the port: TLS when GRPC_TLS_CERT and GRPC_TLS_KEY name files, plaintext otherwise. */
export async function startGrpcServer(
  register: (server: grpc.Server) => void,
  port: number,
  tls?: { certFile: string; keyFile: string },
): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 1024 * 1024 });
  register(server);
  const credentials = tls
    ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: readFileSync(tls.certFile), private_key: readFileSync(tls.keyFile) }], false)
    : grpc.ServerCredentials.createInsecure();
  const bound = await new Promise<number>((resolvePort, reject) =>
    server.bindAsync(`${process.env.BIND_HOST ?? '127.0.0.1'}:${port}`, credentials, (error, actual) => (error ? reject(error) : resolvePort(actual))),
  );
  return { server, port: bound };
}
