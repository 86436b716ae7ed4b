import { setTimeout as sleep } from 'node:timers/promises';
import type { EventSchema } from './schema-catalog';

const contentType = { 'content-type': 'application/vnd.schemaregistry.v1+json' };

export interface SchemaCheck {
  subject: string;
  status: 'new' | 'compatible' | 'incompatible';
  detail?: string;
}

export class IncompatibleSchemaError extends Error {
  override readonly name = 'IncompatibleSchemaError';
}

/** What the registry answered when a registration step failed for good; names the subject and the step. */
export class SchemaRegistrationError extends Error {
  override readonly name = 'SchemaRegistrationError';
}

/** A registry request that gets no answer fails after this, like the codec's: a start must not hang on it. */
const answerWithin = () => AbortSignal.timeout(10_000);

/** A 409 that says the schema breaks the subject's rule: a real refusal, unlike the 409s of a concurrent first write. */
const incompatibility = /incompatible|not compatible/i;

/**
 * Runs one registry write, again after a 409 Conflict. Apicurio answers 409 to the loser when several processes create
 * the same subject or its COMPATIBILITY rule at once ("A rule named 'COMPATIBILITY' already exists", or a compatibility
 * check against a rule half-created); the thing is then there, and the same write goes through as an update or a
 * replay. Services starting together against an empty registry all do this, so the race is normal, not an error.
 */
async function despiteConcurrentWriters<T>(subject: string, step: string, write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      const { status, message } = error as { status?: number; message?: string };
      if (status === 409 && message && incompatibility.test(message)) {
        throw new IncompatibleSchemaError(`incompatible with the registered schema: ${subject} (${message})`);
      }
      if (status !== 409 || attempt === 8) {
        throw new SchemaRegistrationError(`${step} of ${subject} failed: ${message ?? String(error)}`, { cause: error });
      }
      await sleep(20 * attempt + Math.floor(Math.random() * 50));
    }
  }
}

class RegistryAnswer extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function setBackward(registryUrl: string, subject: string): Promise<void> {
  await despiteConcurrentWriters(subject, 'setting BACKWARD compatibility', async () => {
    const response = await fetch(`${registryUrl}/config/${encodeURIComponent(subject)}`, {
      signal: answerWithin(),
      method: 'PUT',
      headers: contentType,
      body: JSON.stringify({ compatibility: 'BACKWARD' }),
    });
    if (!response.ok) throw new RegistryAnswer(response.status, `${response.status} ${await response.text()}`);
  });
}

/**
 * POST /subjects/{subject}/versions: the registry answers the id of the same schema registered before, so a replay is
 * harmless. Not @kafkajs/confluent-schema-registry's register(): it reads the subject's compatibility first and throws
 * when a concurrent first registration has created the subject but not yet its rule (BACKWARD != NONE).
 */
async function registerVersion(registryUrl: string, subject: string, schema: string): Promise<number> {
  return despiteConcurrentWriters(subject, 'registering', async () => {
    const response = await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
      signal: answerWithin(),
      method: 'POST',
      headers: contentType,
      body: JSON.stringify({ schema, schemaType: 'AVRO' }),
    });
    const body = (await response.json().catch(() => ({}))) as { id?: number; message?: string };
    if (!response.ok || typeof body.id !== 'number') throw new RegistryAnswer(response.status, body.message ?? `${response.status} ${JSON.stringify(body)}`);
    return body.id;
  });
}

/** Whether each schema could be registered under BACKWARD compatibility with what the registry holds for its subject. */
export async function checkSchemas(registryUrl: string, schemas: readonly EventSchema[]): Promise<SchemaCheck[]> {
  return Promise.all(
    schemas.map(async ({ subject, schema }): Promise<SchemaCheck> => {
      const versions = await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, { signal: answerWithin() });
      if (versions.status === 404) return { subject, status: 'new' };
      await setBackward(registryUrl, subject);
      const response = await fetch(`${registryUrl}/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`, {
        signal: answerWithin(),
        method: 'POST',
        headers: contentType,
        body: JSON.stringify({ schema: JSON.stringify(schema), schemaType: 'AVRO' }),
      });
      const body = (await response.json()) as { is_compatible?: boolean; messages?: string[]; message?: string };
      if (!response.ok) throw new SchemaRegistrationError(`compatibility check of ${subject} failed: ${response.status} ${JSON.stringify(body)}`);
      return body.is_compatible
        ? { subject, status: 'compatible' }
        : { subject, status: 'incompatible', detail: (body.messages ?? [body.message]).filter(Boolean).join('; ') };
    }),
  );
}

/**
 * Checks every schema first, then registers them all with BACKWARD compatibility; refuses all if one is incompatible.
 * Safe to run from several processes at once (every service registers the whole catalogue at its start): a subject is
 * registered once, and each caller gets its id.
 */
export async function registerSchemas(registryUrl: string, schemas: readonly EventSchema[]): Promise<Map<string, number>> {
  const refused = (await checkSchemas(registryUrl, schemas)).filter((check) => check.status === 'incompatible');
  if (refused.length) {
    throw new IncompatibleSchemaError(`incompatible with the registered schema: ${refused.map((check) => `${check.subject} (${check.detail})`).join(', ')}`);
  }
  const ids = new Map<string, number>();
  for (const { subject, schema } of schemas) {
    ids.set(subject, await registerVersion(registryUrl, subject, JSON.stringify(schema)));
    await setBackward(registryUrl, subject);
  }
  return ids;
}
