import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RegistryProxy {
  /** The registry's URL (with its path) through the proxy. */
  readonly url: string;
  /** Closes the port: requests are refused, as by a registry that is down. */
  down(): Promise<void>;
  /** Listens on the same port again. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** An HTTP forwarder to the registry that can be taken away (connections refused) and brought back on its port. */
export async function registryProxy(target: string): Promise<RegistryProxy> {
  const targetUrl = new URL(target);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      fetch(`${targetUrl.origin}${request.url}`, { method: request.method, headers: { 'content-type': request.headers['content-type'] ?? 'application/json' }, body }).then(
        async (answer) => response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer())),
        () => response.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const down = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    url: `http://127.0.0.1:${port}${targetUrl.pathname}`,
    down,
    up: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: async () => {
      if (server.listening) await down();
    },
  };
}
