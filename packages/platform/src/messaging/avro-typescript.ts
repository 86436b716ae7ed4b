import type { SchemaCatalog } from './schema-catalog';

type AvroType = string | AvroType[] | { type: string; name?: string; symbols?: string[]; items?: AvroType; values?: AvroType; fields?: AvroField[]; doc?: string };
interface AvroField {
  name: string;
  type: AvroType;
  default?: unknown;
  doc?: string;
}

const primitives: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  string: 'string',
  bytes: 'Buffer',
};

/**
 * TypeScript declarations for every event payload in the catalogue: the .avsc files are the one source of truth,
 * and a unit test fails when the committed output drifts from them (`npm run schemas -- types` regenerates it).
 */
export function typescriptForCatalog(catalog: SchemaCatalog): string {
  const named = new Map<string, string>();
  const typeOf = (type: AvroType): string => {
    if (typeof type === 'string') return primitives[type] ?? type.split('.').pop()!;
    if (Array.isArray(type)) return type.map(typeOf).join(' | ');
    if (type.type === 'enum') {
      named.set(type.name!, `export type ${type.name} = ${type.symbols!.map((symbol) => `'${symbol}'`).join(' | ')};`);
      return type.name!;
    }
    if (type.type === 'array') return `${typeOf(type.items!)}[]`;
    if (type.type === 'map') return `Record<string, ${typeOf(type.values!)}>`;
    if (type.type === 'record') {
      named.set(type.name!, recordInterface(type.name!, type.fields!, type.doc));
      return type.name!;
    }
    return typeOf(type.type);
  };
  const recordInterface = (name: string, fields: AvroField[], doc?: string) => {
    const lines = fields.map((field) => {
      const comment = field.doc ? `  /** ${field.doc} */\n` : '';
      // A field with a default may be left out by a producer.
      return `${comment}  ${field.name}${field.default !== undefined ? '?' : ''}: ${typeOf(field.type)};`;
    });
    // A type alias, not an interface: a payload type then fits Record<string, unknown>, the shape untyped handlers take.
    return `${doc ? `/** ${doc} */\n` : ''}export type ${name} = {\n${lines.join('\n')}\n};`;
  };
  const schemas = catalog.all().sort((a, b) => a.fullName.localeCompare(b.fullName));
  const records = schemas.map((schema) => recordInterface(schema.eventType, schema.schema.fields as AvroField[], schema.schema.doc));
  const enums = [...named.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, declaration]) => declaration);
  return [
    '// Generated from schemas/**/*.avsc by `npm run schemas -- types`. Do not edit: change the .avsc and regenerate.',
    '',
    ...enums,
    '',
    records.join('\n\n'),
    '',
    'export interface IntegrationEvents {',
    ...schemas.map((schema) => `  ${schema.eventType}: ${schema.eventType};`),
    '}',
    '',
    'export type IntegrationEventType = keyof IntegrationEvents;',
    '',
    '/** Event name → its payload type: what runtime.addConsumer types each handler of a handler map by. */',
    'export type IntegrationEventPayloads = IntegrationEvents;',
    '',
    'export const integrationEventTopics = {',
    ...schemas.map((schema) => `  ${schema.eventType}: '${schema.topic}',`),
    '} as const satisfies Record<IntegrationEventType, string>;',
    '',
  ].join('\n');
}
