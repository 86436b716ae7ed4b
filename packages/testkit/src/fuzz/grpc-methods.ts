import type * as grpc from '@grpc/grpc-js';
import { type FuzzReport, fuzzEndpoint } from './fuzz-runner';
import { describeGrpcCase, grpcFuzzSender } from './fuzz-senders';
import { invalidGrpcMessages, type ProtoField } from './invalid-grpc-messages';

export interface GrpcMethod {
  name: string;
  /** /package.Service/Method */
  path: string;
  fields: ProtoField[];
  /** The server's own request deserializer. */
  decode: (bytes: Buffer) => unknown;
}

/** Every method of a service as loaded by loadProto (so a method added to the .proto is listed too). */
export function grpcMethods(service: grpc.ServiceClientConstructor): GrpcMethod[] {
  return Object.entries(service.service).map(([name, method]) => ({
    name,
    path: method.path,
    fields: (method as unknown as { requestType: { type: { field: ProtoField[] } } }).requestType.type.field,
    decode: (bytes) => method.requestDeserialize(bytes),
  }));
}

/** What a method's invalid messages are built around: a valid request, and which decoded requests it must accept. */
export interface GrpcMethodCases {
  valid: Record<string, unknown>;
  // Tests read the decoded request's fields freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  accepts: (message: Record<string, any>) => boolean;
}

/** Sends one method 1,000 invalid messages over `client` with the token: every answer a coded client error, no row written. */
export function fuzzGrpcMethod(options: {
  method: GrpcMethod;
  cases: GrpcMethodCases;
  client: grpc.Client;
  token: string;
  rowCounts: () => Promise<Record<string, number>>;
}): Promise<FuzzReport> {
  const { method, cases, client, token, rowCounts } = options;
  return fuzzEndpoint({
    name: `gRPC ${method.name}`,
    cases: invalidGrpcMessages({ fields: method.fields, valid: cases.valid, decode: method.decode, accepts: cases.accepts }),
    send: grpcFuzzSender(client, method.path, token),
    describe: describeGrpcCase,
    rowCounts,
  });
}
