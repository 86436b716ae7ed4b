import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { repositoryRoot } from '../config/repository-root';
import { isCodedError } from '../http/api-error';
import { FORBIDDEN_CODE } from '../http/customer-scope';
import { databaseUnavailableCode, databaseUnavailableMessage, isDatabaseUnavailable } from '../http/database-unavailable';
import type { Principal, ServiceTokens } from '../http/service-tokens';
import { activeTraceparent } from '../observability/tracing';

export const protoRoot = join(repositoryRoot(), 'proto');

/**
 * A request that protobuf could not decode. grpc-js answers a throwing deserializer with INTERNAL; a server built from
 * loadProto gets this instead, and unaryHandlers answers it INVALID_ARGUMENT / INVALID_MESSAGE.
 */
export class MalformedGrpcMessage {
  constructor(readonly reason: string) {}
}

const isMethodDefinition = (value: unknown): value is grpc.MethodDefinition<unknown, unknown> =>
  typeof (value as { requestDeserialize?: unknown }).requestDeserialize === 'function';

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
  for (const service of Object.values(definition)) {
    for (const method of Object.values(service)) {
      if (!isMethodDefinition(method)) continue;
      const decode = method.requestDeserialize;
      method.requestDeserialize = (bytes: Buffer) => {
        try {
          return decode(bytes);
        } catch (error) {
          return new MalformedGrpcMessage(error instanceof Error ? error.message : String(error));
        }
      };
    }
  }
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

/**
 * The status message travels percent-encoded in the grpc-message trailer: a message quoting a huge input would outgrow
 * the header limit and stall the whole connection, every other call on it included. So it is bounded.
 */
function statusDetails(message: string): string {
  const characters = [...message];
  return characters.length > 300 ? `${characters.slice(0, 300).join('')}…` : message;
}

const metadataValue = (metadata: grpc.Metadata, key: string) => {
  const [value] = metadata.get(key);
  return typeof value === 'string' && value.length <= 200 ? value : undefined;
};

/** gRPC statuses of the codes the platform raises itself (assertCustomerScope's FORBIDDEN); a service's map comes first. */
const platformGrpcStatus: Record<string, grpc.status> = { [FORBIDDEN_CODE]: grpc.status.PERMISSION_DENIED };

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
          callback({ code: status, details: statusDetails(message), metadata: trailer });
        };
        const principal = options.tokens.authenticate(metadataValue(call.metadata, 'authorization'));
        if (!principal) return fail(grpc.status.UNAUTHENTICATED, 'UNAUTHENTICATED', 'a valid service token is required');
        if (call.request instanceof MalformedGrpcMessage) return fail(grpc.status.INVALID_ARGUMENT, 'INVALID_MESSAGE', `the request is not a valid protobuf message: ${call.request.reason}`);
        const context: GrpcCallContext = {
          principal,
          correlationId: metadataValue(call.metadata, 'x-correlation-id') ?? crypto.randomUUID(),
          // With tracing on, the call's server span, so what the call writes continues it.
          traceparent: activeTraceparent(metadataValue(call.metadata, 'traceparent')),
        };
        implementation(call.request, context).then(
          (response) => callback(null, response),
          (error: unknown) => {
            if (error instanceof GrpcError) return fail(error.status, error.code, error.message);
            // Before the coded errors: node's ECONNREFUSED looks like one.
            if (isDatabaseUnavailable(error)) return fail(grpc.status.UNAVAILABLE, databaseUnavailableCode, databaseUnavailableMessage);
            if (isCodedError(error)) {
              const status = options.errorStatus[error.code] ?? platformGrpcStatus[error.code] ?? (error.code.startsWith('INVALID_') ? grpc.status.INVALID_ARGUMENT : grpc.status.FAILED_PRECONDITION);
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

/** Certificate and key (PEM files) the gRPC server serves TLS with. */
export interface GrpcServerTls {
  certFile: string;
  keyFile: string;
}

/** GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE: both set → TLS, neither → plaintext, one alone is a configuration error. */
export function grpcServerTlsFromEnv(env: NodeJS.ProcessEnv = process.env): GrpcServerTls | undefined {
  const certFile = env.GRPC_TLS_CERT_FILE;
  const keyFile = env.GRPC_TLS_KEY_FILE;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new Error('set both GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE to serve gRPC over TLS, or neither for plaintext');
  return { certFile, keyFile };
}

/** Client credentials: TLS verified against the CA file (GRPC_TLS_CA_FILE) when one is given, plaintext otherwise. */
export function grpcChannelCredentials(caFile?: string): grpc.ChannelCredentials {
  return caFile ? grpc.credentials.createSsl(readFileSync(caFile)) : grpc.credentials.createInsecure();
}

/** Starts a server on the port: TLS with the certificate and key files when given, plaintext otherwise. */
export async function startGrpcServer(
  register: (server: grpc.Server) => void,
  port: number,
  tls?: GrpcServerTls,
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
