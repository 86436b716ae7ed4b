import { Kafka, logLevel } from 'kafkajs';

/** True when a Kafka broker answers a metadata request (readiness checks, infra:up). */
export async function kafkaAnswers(brokers: string[], timeoutMs = 3000): Promise<boolean> {
  const admin = new Kafka({
    brokers,
    clientId: 'probe',
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** True when a Confluent-compatible registry answers at the URL (the URL includes the ccompat path). */
export async function registryAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    return (await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(timeoutMs) })).ok;
  } catch {
    return false;
  }
}

/**
 * True when the database answers `ping` (a `select 1` through the service's own pool) within `timeoutMs`: a server
 * that hangs must not hang /readyz, and a failed connection attempt is the answer, not an error.
 */
export async function databaseAnswers(ping: () => Promise<unknown>, timeoutMs = 1500): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([ping().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
