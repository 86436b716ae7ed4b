import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The nearest proto/ above this module holding the billing contracts: the package's own copy once packed (dist/ sits
 * beside proto/), the repository's proto/ when the sources run in the repository.
 */
export function protoDirectory(start = dirname(fileURLToPath(import.meta.url))): string {
  for (let directory = start; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'proto', 'billing', 'credit', 'v1', 'credit.proto'))) return join(directory, 'proto');
    if (dirname(directory) === directory) throw new Error(`no proto/billing above ${start}`);
  }
}

/** A service's client constructor from its .proto, with camelCase fields, int64 as numbers and defaults filled in. */
export function serviceClientConstructor(relativePath: string, serviceName: string): grpc.ServiceClientConstructor {
  const root = protoDirectory();
  const definition = protoLoader.loadSync(join(root, relativePath), { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [root] });
  const service = serviceName.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], grpc.loadPackageDefinition(definition));
  return service as grpc.ServiceClientConstructor;
}
