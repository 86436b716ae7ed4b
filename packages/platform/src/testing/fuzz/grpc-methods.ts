import type * as grpc from '@grpc/grpc-js';
import type { ProtoField } from './invalid-grpc-messages';

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
