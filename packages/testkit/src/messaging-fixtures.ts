import { Migration } from '@mikro-orm/migrations';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import {
  type AvroRecordSchema,
  databaseUrlFor,
  dropDatabase,
  ensureTopics,
  MessagingTablesMigration,
  migrateDatabase,
  SchemaCatalog,
} from '@billing/platform';
import { testInfrastructure } from './test-infrastructure';
import { uniqueName } from './unique';

/** A test-only event contract in its own namespace, so its topic and subject are new for every run. */
export function amountAddedSchema(namespace: string): AvroRecordSchema {
  return {
    type: 'record',
    name: 'AmountAdded',
    namespace,
    fields: [
      { name: 'accountId', type: 'string' },
      { name: 'sequence', type: 'long' },
      { name: 'amount', type: 'long' },
      { name: 'poison', type: 'boolean', default: false },
    ],
  };
}

class CreateTestEffectsTable extends Migration {
  static readonly migrationName = 'Migration20261126000001_test_effects';
  override async up(): Promise<void> {
    this.addSql('create table test_accounts (id text primary key, balance bigint not null default 0);');
    this.addSql('create table test_effects (event_id uuid not null, account_id text not null, amount bigint not null);');
  }
}

export interface MessagingTestBed {
  namespace: string;
  topic: string;
  catalog: SchemaCatalog;
  databaseUrl: string;
  pool: pg.Pool;
  kafka: Kafka;
  schemaRegistryUrl: string;
  dispose(): Promise<void>;
}

/**
 * A fresh database with the outbox, inbox and a test table; a fresh topic and schema namespace; on the shared broker
 * unless `kafkaBrokers` names another (a private cluster the test kills nodes of).
 */
export async function messagingTestBed(options: { kafkaBrokers?: string[] } = {}): Promise<MessagingTestBed> {
  const infra = await testInfrastructure();
  const database = uniqueName('billing_msg_test');
  await migrateDatabase(infra.databaseUrl, database, [MessagingTablesMigration, CreateTestEffectsTable]);
  const databaseUrl = databaseUrlFor(infra.databaseUrl, database);
  const namespace = `${uniqueName('t')}.v1`;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  const kafka = new Kafka({ brokers: options.kafkaBrokers ?? infra.kafkaBrokers, clientId: 'messaging-test', logLevel: logLevel.NOTHING });
  await ensureTopics(kafka, [namespace]);
  return {
    namespace,
    topic: namespace,
    catalog: SchemaCatalog.of([amountAddedSchema(namespace)]),
    databaseUrl,
    pool,
    kafka,
    schemaRegistryUrl: infra.schemaRegistryUrl,
    async dispose() {
      await pool.end();
      await dropDatabase(infra.databaseUrl, database);
    },
  };
}
