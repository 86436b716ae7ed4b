import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@billing/platform';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type ConsoleAppOptions, createConsoleApp } from '../console-app';
import type { Operations } from '../operations/operations';
import { hashPassword } from '../users';

export const passwords = { alice: 'alice-password-1', victor: 'victor-password-1' };

/** Operations that answer without a broker, recording replays (app-level tests; the Kafka one has its int test). */
export const fakeOperations = (): Operations & { replays: string[] } => {
  const replays: string[] = [];
  return {
    replays,
    status: async () => ({ services: [], consumers: [], deadLetters: [{ topic: 'billing.payment.v1.dlq.x', messages: 1, pending: 1 }] }),
    peek: async (topic) => (topic === 'billing.payment.v1.dlq.x' ? [] : undefined),
    replay: async (topic) => {
      replays.push(topic);
      return topic === 'billing.payment.v1.dlq.x' ? 1 : undefined;
    },
  };
};

/** The console with an operator alice and a viewer victor; services at the given URLs (default: nothing listening). */
export async function consoleTestApp(overrides: Partial<ConsoleAppOptions> = {}): Promise<FastifyInstance> {
  const unreachable = 'http://127.0.0.1:9';
  return createConsoleApp({
    users: [
      { name: 'alice', role: 'operator', passwordHash: await hashPassword(passwords.alice) },
      { name: 'victor', role: 'viewer', passwordHash: await hashPassword(passwords.victor) },
    ],
    serviceToken: 'console-service-token',
    serviceUrls: { customer: unreachable, credit: unreachable, subscription: unreachable, payment: unreachable },
    operations: fakeOperations(),
    appDir: mkdtempSync(join(tmpdir(), 'console-app-')),
    logger: silentLogger(),
    ...overrides,
  });
}

export interface SignedIn {
  cookie: string;
  csrfToken: string;
}

export async function signIn(app: FastifyInstance, name: keyof typeof passwords, remoteAddress = '127.0.0.1'): Promise<SignedIn> {
  const response = await app.inject({ method: 'POST', url: '/api/session', payload: { name, password: passwords[name] }, remoteAddress });
  if (response.statusCode !== 200) throw new Error(`sign-in of ${name} answered ${response.statusCode}`);
  return { cookie: sessionCookieOf(response)!, csrfToken: response.json().csrfToken };
}

export const sessionCookieOf = (response: LightMyRequestResponse) => {
  const cookie = response.cookies.find((entry) => entry.name === 'console_session');
  return cookie ? `console_session=${cookie.value}` : undefined;
};
