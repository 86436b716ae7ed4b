import { join } from 'node:path';
import { repositoryRoot } from '../config/repository-root';
import type { SchemaCatalog } from './schema-catalog';

export const eventCatalogueFile = join(repositoryRoot(), 'docs', 'event-catalogue.md');

type AvroType = string | AvroType[] | { type: string; name?: string; symbols?: string[]; items?: AvroType; values?: AvroType; logicalType?: string };

/** Avro type in one short line: unions as `a | b`, enums with their symbols, arrays and maps by their items. */
function describe(type: AvroType): string {
  if (typeof type === 'string') return type.split('.').pop()!;
  if (Array.isArray(type)) return type.map(describe).join(' \\| ');
  if (type.type === 'enum') return `enum ${type.name} (${type.symbols!.join(', ')})`;
  if (type.type === 'array') return `array of ${describe(type.items!)}`;
  if (type.type === 'map') return `map of ${describe(type.values!)}`;
  if (type.logicalType) return `${type.type} (${type.logicalType})`;
  return type.name ?? type.type;
}

const cell = (text: string | undefined) => (text ?? '').replaceAll('\n', ' ').replaceAll('|', '\\|');

/**
 * docs/event-catalogue.md, generated from schemas/ (`npm run schemas -- docs`); a unit test fails when the committed
 * file drifts from the .avsc files, so the catalogue never describes a contract that is not the one on the wire.
 */
export function markdownForCatalog(catalog: SchemaCatalog): string {
  const lines = [
    '# Event catalogue',
    '',
    '<!-- Generated from schemas/ by `npm run schemas -- docs`; do not edit by hand. -->',
    '',
    'One topic per bounded context; the Avro record namespace is the topic. Subjects follow TopicRecordNameStrategy',
    '(`<topic>-<namespace>.<Event>`); the Kafka key is the aggregate id, so one aggregate\'s events stay in order.',
    'Every message carries the headers `event-id`, `event-type`, `occurred-at`, `correlation-id`, `causation-id` and',
    '`traceparent`, and `actor` when a person asked for the change (docs/messaging.md).',
    '',
  ];
  for (const topic of catalog.topics()) {
    const events = catalog.all().filter((event) => event.topic === topic).sort((a, b) => a.eventType.localeCompare(b.eventType));
    lines.push(`## ${topic}`, '', `Schemas: \`schemas/${topic.split('.')[1]}/\` · events: ${events.map((event) => `[${event.eventType}](#${event.eventType.toLowerCase()})`).join(', ')}`, '');
    for (const { eventType, subject, schema } of events) {
      lines.push(`### ${eventType}`, '', cell(schema.doc) || '(no doc in the schema)', '', `Subject \`${subject}\``, '');
      lines.push('| field | type | default | meaning |', '| --- | --- | --- | --- |');
      for (const field of schema.fields) {
        const fallback = field.default === undefined ? '' : `\`${JSON.stringify(field.default)}\``;
        lines.push(`| \`${field.name}\` | ${describe(field.type as AvroType)} | ${fallback} | ${cell(field.doc)} |`);
      }
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
