import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { FuzzVerdict } from './fuzz-runner';
import type { HttpFuzzRequest } from './invalid-http-requests';

const machineCode = /^[A-Z][A-Z0-9_]+$/;

/** A coded 4xx is the only right answer to an invalid request. */
export function httpVerdict(status: number, answer: string): FuzzVerdict {
  let code: unknown;
  try {
    code = (JSON.parse(answer) as { error?: { code?: unknown } }).error?.code;
  } catch {
    code = undefined;
  }
  const verdict: FuzzVerdict = { outcome: `${status} ${typeof code === 'string' ? code : '(no code)'}`, serverError: status >= 500 };
  if (status < 400 || status >= 500) verdict.problem = `answered ${status}: ${answer.slice(0, 300)}`;
  else if (typeof code !== 'string' || !machineCode.test(code)) verdict.problem = `answered ${status} without an error code: ${answer.slice(0, 300)}`;
  return verdict;
}

/** Sends a case with a valid token and a fresh Idempotency-Key. */
export function httpFuzzSender(baseUrl: string, token: string): (request: HttpFuzzRequest) => Promise<FuzzVerdict> {
  return async (request) => {
    const response = await fetch(`${baseUrl}${request.path}`, {
      method: request.method,
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID(), 'content-type': request.contentType },
      body: request.body,
    });
    return httpVerdict(response.status, await response.text());
  };
}

const serverFaults = new Set([grpc.status.INTERNAL, grpc.status.UNKNOWN, grpc.status.UNAVAILABLE, grpc.status.DATA_LOSS, grpc.status.UNIMPLEMENTED, grpc.status.DEADLINE_EXCEEDED]);

const identity = (bytes: Buffer) => bytes;

/** Sends raw request bytes to `path` (/package.Service/Method) with a valid token; a coded client error is the only right answer. */
export function grpcFuzzSender(client: grpc.Client, path: string, token: string): (bytes: Buffer) => Promise<FuzzVerdict> {
  return (bytes) =>
    new Promise((resolve) => {
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      client.makeUnaryRequest(path, identity, identity, bytes, metadata, { deadline: Date.now() + 10_000 }, (error) => {
        if (!error) return resolve({ outcome: 'OK', serverError: false, problem: 'answered OK' });
        const code = error.metadata?.get('error-code')[0];
        const verdict: FuzzVerdict = { outcome: `${grpc.status[error.code]} ${typeof code === 'string' ? code : '(no code)'}`, serverError: serverFaults.has(error.code) };
        if (verdict.serverError) verdict.problem = `answered ${grpc.status[error.code]}: ${error.details}`;
        else if (typeof code !== 'string' || !machineCode.test(code)) verdict.problem = `answered ${grpc.status[error.code]} without an error-code trailer: ${error.details}`;
        resolve(verdict);
      });
    });
}

/** A case for the failure message: the request line and the start of the body, or the first bytes in hex. */
export const describeHttpCase = (request: HttpFuzzRequest) => `${request.method} ${request.path.slice(0, 200)} (${request.contentType}) ${JSON.stringify(request.body.slice(0, 300))}`;
export const describeGrpcCase = (bytes: Buffer) => `${bytes.length} bytes: ${bytes.subarray(0, 120).toString('hex')}`;
