import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { EventSchema } from './schema-catalog';

const contentType = { 'content-type': 'application/vnd.schemaregistry.v1+json' };

export interface SchemaCheck {
  subject: string;
  status: 'new' | 'compatible' | 'incompatible';
  detail?: string;
}

async function setBackward(registryUrl: string, subject: string): Promise<void> {
  const response = await fetch(`${registryUrl}/config/${encodeURIComponent(subject)}`, {
    method: 'PUT',
    headers: contentType,
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
  });
  if (!response.ok) throw new Error(`setting BACKWARD compatibility on ${subject} failed: ${response.status} ${await response.text()}`);
}

/** Whether each schema could be registered under BACKWARD compatibility with what the registry holds for its subject. */
export async function checkSchemas(registryUrl: string, schemas: readonly EventSchema[]): Promise<SchemaCheck[]> {
  return Promise.all(
    schemas.map(async ({ subject, schema }): Promise<SchemaCheck> => {
      const versions = await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`);
      if (versions.status === 404) return { subject, status: 'new' };
      await setBackward(registryUrl, subject);
      const response = await fetch(`${registryUrl}/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`, {
        method: 'POST',
        headers: contentType,
        body: JSON.stringify({ schema: JSON.stringify(schema), schemaType: 'AVRO' }),
      });
      const body = (await response.json()) as { is_compatible?: boolean; messages?: string[]; message?: string };
      if (!response.ok) throw new Error(`compatibility check of ${subject} failed: ${response.status} ${JSON.stringify(body)}`);
      return body.is_compatible
        ? { subject, status: 'compatible' }
        : { subject, status: 'incompatible', detail: (body.messages ?? [body.message]).filter(Boolean).join('; ') };
    }),
  );
}

export class IncompatibleSchemaError extends Error {
  override readonly name = 'IncompatibleSchemaError';
}

/** Checks every schema first, then registers them all with BACKWARD compatibility; refuses all if one is incompatible. */
export async function registerSchemas(registryUrl: string, schemas: readonly EventSchema[]): Promise<Map<string, number>> {
  const refused = (await checkSchemas(registryUrl, schemas)).filter((check) => check.status === 'incompatible');
  if (refused.length) {
    throw new IncompatibleSchemaError(`incompatible with the registered schema: ${refused.map((check) => `${check.subject} (${check.detail})`).join(', ')}`);
  }
  const registry = new SchemaRegistry({ host: registryUrl });
  const ids = new Map<string, number>();
  for (const { subject, schema } of schemas) {
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
    await setBackward(registryUrl, subject);
    ids.set(subject, id);
  }
  return ids;
}
