import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../config/repository-root';

export const schemasRoot = join(repositoryRoot(), 'schemas');

export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace: string;
  doc?: string;
  fields: { name: string; type: unknown; default?: unknown; doc?: string }[];
}

/** One integration event's contract. The namespace is the topic (billing.<context>.v1): one topic per context. */
export interface EventSchema {
  eventType: string;
  fullName: string;
  topic: string;
  /** TopicRecordNameStrategy: `<topic>-<record full name>`. */
  subject: string;
  schema: AvroRecordSchema;
}

export class UnknownEventTypeError extends Error {
  override readonly name = 'UnknownEventTypeError';
}

export class SchemaCatalog {
  private readonly byType = new Map<string, EventSchema>();

  private constructor(schemas: readonly AvroRecordSchema[]) {
    for (const schema of schemas) {
      if (schema.type !== 'record' || !schema.name || !schema.namespace) {
        throw new Error(`an event schema must be a named record with a namespace: ${JSON.stringify(schema).slice(0, 80)}`);
      }
      if (this.byType.has(schema.name)) throw new Error(`two event schemas are named ${schema.name}`);
      const fullName = `${schema.namespace}.${schema.name}`;
      this.byType.set(schema.name, { eventType: schema.name, fullName, topic: schema.namespace, subject: `${schema.namespace}-${fullName}`, schema });
    }
  }

  static of(schemas: readonly AvroRecordSchema[]): SchemaCatalog {
    return new SchemaCatalog(schemas);
  }

  /** Every `schemas/<context>/<EventName>.avsc`. */
  static fromDirectory(root: string = schemasRoot): SchemaCatalog {
    const files = readdirSync(root)
      .filter((context) => statSync(join(root, context)).isDirectory())
      .flatMap((context) =>
        readdirSync(join(root, context))
          .filter((file) => file.endsWith('.avsc'))
          .map((file) => join(root, context, file)),
      )
      .sort();
    return new SchemaCatalog(files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as AvroRecordSchema));
  }

  get(eventType: string): EventSchema {
    const schema = this.byType.get(eventType);
    if (!schema) throw new UnknownEventTypeError(`no Avro schema for event type ${eventType}`);
    return schema;
  }

  all(): EventSchema[] {
    return [...this.byType.values()];
  }

  topics(): string[] {
    return [...new Set(this.all().map((schema) => schema.topic))].sort();
  }
}
