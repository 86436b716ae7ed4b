/**
 * `npm run schemas -- check|register|types`
 *   check     every schemas/**\/*.avsc against the registry under BACKWARD compatibility (exit 1 when one breaks)
 *   register  check, then register them all
 *   types     regenerate packages/platform/src/contracts/integration-events.generated.ts from the .avsc files
 *   docs      regenerate docs/event-catalogue.md from the .avsc files
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { infrastructureConfigFromEnv } from '../config/infrastructure-config';
import { typescriptForCatalog } from './avro-typescript';
import { eventCatalogueFile, markdownForCatalog } from './event-catalogue';
import { SchemaCatalog, schemasRoot } from './schema-catalog';
import { checkSchemas, IncompatibleSchemaError, registerSchemas } from './schema-registration';

export const generatedTypesFile = fileURLToPath(new URL('../contracts/integration-events.generated.ts', import.meta.url));

const command = process.argv[2];
// SCHEMAS_DIR: another schemas tree (tests use it to try a breaking change without touching schemas/).
const catalog = SchemaCatalog.fromDirectory(process.env.SCHEMAS_DIR ?? schemasRoot);
const { schemaRegistryUrl } = infrastructureConfigFromEnv();

if (command === 'types') {
  writeFileSync(generatedTypesFile, typescriptForCatalog(catalog));
  console.log(`wrote ${generatedTypesFile} (${catalog.all().length} event types)`);
} else if (command === 'docs') {
  writeFileSync(eventCatalogueFile, markdownForCatalog(catalog));
  console.log(`wrote ${eventCatalogueFile} (${catalog.all().length} event types)`);
} else if (command === 'check') {
  const checks = await checkSchemas(schemaRegistryUrl, catalog.all());
  for (const check of checks) console.log(`${check.status.padEnd(12)} ${check.subject}${check.detail ? `: ${check.detail}` : ''}`);
  if (checks.some((check) => check.status === 'incompatible')) process.exitCode = 1;
} else if (command === 'register') {
  try {
    const ids = await registerSchemas(schemaRegistryUrl, catalog.all());
    for (const [subject, id] of ids) console.log(`registered ${subject} (id ${id})`);
  } catch (error) {
    if (!(error instanceof IncompatibleSchemaError)) throw error;
    console.error(`schemas: ${error.message}`);
    process.exitCode = 1;
  }
} else {
  console.error('usage: npm run schemas -- check|register|types|docs');
  process.exitCode = 2;
}
