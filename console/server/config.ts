import { infrastructureConfigFromEnv } from '@billing/platform';
import { type ConsoleUser, parseConsoleUsers } from './users';

/** The services the console proxies to, by the name they have in `/api/services/<name>/v1/...`. */
export const consoleServices = ['customer', 'credit', 'subscription', 'payment'] as const;
export type ConsoleService = (typeof consoleServices)[number];

export interface ConsoleConfig {
  host: string;
  port: number;
  users: ConsoleUser[];
  /** An unscoped service token: the console calls the services with it; the browser never sees it. */
  serviceToken: string;
  serviceUrls: Record<ConsoleService, string>;
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  /** CONSOLE_TRUST_PROXY=true behind a TLS-terminating proxy: X-Forwarded-Proto https makes the cookie Secure. */
  trustProxy: boolean;
}

const defaultPorts: Record<ConsoleService, number> = { customer: 3001, credit: 3002, subscription: 3003, payment: 3004 };

/**
 * CONSOLE_PORT, CONSOLE_HOST, CONSOLE_USERS, CONSOLE_SERVICE_TOKEN, CUSTOMER_URL, CREDIT_URL, SUBSCRIPTION_URL,
 * PAYMENT_URL, CONSOLE_TRUST_PROXY, KAFKA_BROKERS, SCHEMA_REGISTRY_URL. Refuses to start without users or a token:
 * a console nobody can sign in to, or one that cannot call the services, is a misconfiguration to see at once.
 */
export function consoleConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  if (!env.CONSOLE_USERS) throw new Error('CONSOLE_USERS is not set: add name:role:<hash> entries made by `npm run console:user -- <name> <role>`');
  if (!env.CONSOLE_SERVICE_TOKEN) throw new Error('CONSOLE_SERVICE_TOKEN is not set: give the console an unscoped service token of SERVICE_TOKENS');
  const infrastructure = infrastructureConfigFromEnv(env);
  const serviceUrls = Object.fromEntries(
    consoleServices.map((name) => [name, (env[`${name.toUpperCase()}_URL`] ?? `http://127.0.0.1:${defaultPorts[name]}`).replace(/\/+$/, '')]),
  ) as Record<ConsoleService, string>;
  return {
    host: env.CONSOLE_HOST ?? '127.0.0.1',
    port: Number(env.CONSOLE_PORT ?? 3000),
    users: parseConsoleUsers(env.CONSOLE_USERS),
    serviceToken: env.CONSOLE_SERVICE_TOKEN,
    serviceUrls,
    kafkaBrokers: infrastructure.kafkaBrokers,
    schemaRegistryUrl: infrastructure.schemaRegistryUrl,
    trustProxy: env.CONSOLE_TRUST_PROXY === 'true',
  };
}
