import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { TimeoutMiddleware } from 'mappersmith/middleware/timeout';
import type { SchemaCatalog } from './schema-catalog';

/**
 * Avro in the Confluent wire format through the schema registry. Encoding registers the catalogue's schema for its
 * subject on first use (idempotent for an unchanged schema; refused by the registry when incompatible) and caches the id.
 */
export class AvroCodec {
  private readonly ids = new Map<string, Promise<number>>();
  readonly registry: SchemaRegistry;

  constructor(
    registryUrl: string,
    readonly catalog: SchemaCatalog,
    options: { requestTimeoutMs?: number } = {},
  ) {
    // Without a timeout a registry request that never gets its answer waits forever, and with it the relay's batch (its
    // rows stay claimed) or the consumer's partition: a billing E2E run once saw a service publish nothing more for
    // minutes, without a log line. Timed out, the request fails and is retried; the batch or the message waits meanwhile.
    this.registry = new SchemaRegistry({ host: registryUrl, middlewares: [TimeoutMiddleware(options.requestTimeoutMs ?? 10_000)] });
  }

  private schemaId(eventType: string): Promise<number> {
    let id = this.ids.get(eventType);
    if (!id) {
      const { schema, subject } = this.catalog.get(eventType);
      id = this.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject }).then((result) => result.id);
      // A failed registration (registry down) must be retried next time, not cached.
      id.catch(() => this.ids.delete(eventType));
      this.ids.set(eventType, id);
    }
    return id;
  }

  async encode(eventType: string, payload: unknown): Promise<{ topic: string; value: Buffer }> {
    const { topic } = this.catalog.get(eventType);
    return { topic, value: await this.registry.encode(await this.schemaId(eventType), payload) };
  }

  /**
   * Decodes with the writer schema named by the id inside the message. A registry that does not answer is reported as
   * SchemaRegistryUnavailableError: the message is not at fault and must wait, not go to a dead-letter topic.
   */
  async decode<T = Record<string, unknown>>(value: Buffer): Promise<T> {
    try {
      return toPlain(await this.registry.decode(value)) as T;
    } catch (error) {
      if (registryUnreachable(error)) throw new SchemaRegistryUnavailableError(`schema registry unavailable: ${(error as Error).message}`, { cause: error });
      throw error;
    }
  }
}

export class SchemaRegistryUnavailableError extends Error {
  override readonly name = 'SchemaRegistryUnavailableError';
}

// The registry client (mappersmith) reports a request that got no answer as a response of status 400 carrying the
// socket's error message; the registry itself answers 4xx only for what was asked (a schema id it does not hold: 404).
const noAnswer = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|socket hang up|Timeout/;

function registryUnreachable(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number') return false;
  return status >= 500 || (status === 400 && noAnswer.test((error as Error).message));
}

/** avsc returns class instances for records; handlers and JSON want plain objects. */
function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toPlain(inner)]));
  }
  return value;
}
