import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { typescriptForCatalog } from './avro-typescript';
import { eventCatalogueFile, markdownForCatalog } from './event-catalogue';
import { SchemaCatalog, UnknownEventTypeError } from './schema-catalog';

const generatedFile = fileURLToPath(new URL('../contracts/integration-events.generated.ts', import.meta.url));

describe('SchemaCatalog over schemas/', () => {
  const catalog = SchemaCatalog.fromDirectory();

  it('holds the event catalogue of the four contexts, one topic per context', () => {
    expect(catalog.topics()).to.deep.equal(['billing.credit.v1', 'billing.customer.v1', 'billing.payment.v1', 'billing.subscription.v1']);
    expect(catalog.all().map((schema) => schema.eventType)).to.include.members([
      'CustomerRegistered',
      'PaymentGatewayLinked',
      'PaymentSucceeded',
      'PaymentRefunded',
      'SubscriptionActivated',
      'SubscriptionRenewalDue',
      'SubscriptionRenewed',
      'CreditsGranted',
      'ReservationCaptured',
      'CreditBalanceLow',
    ]);
  });

  it('names subjects by TopicRecordNameStrategy', () => {
    expect(catalog.get('CreditsGranted')).to.deep.include({
      topic: 'billing.credit.v1',
      fullName: 'billing.credit.v1.CreditsGranted',
      subject: 'billing.credit.v1-billing.credit.v1.CreditsGranted',
    });
  });

  it('refuses an event type it has no schema for', () => {
    expect(() => catalog.get('NoSuchEvent')).to.throw(UnknownEventTypeError);
  });

  it('matches the committed TypeScript payload types (run `npm run schemas -- types` after changing a schema)', () => {
    expect(readFileSync(generatedFile, 'utf8')).to.equal(typescriptForCatalog(catalog));
  });

  it('matches the committed docs/event-catalogue.md (run `npm run schemas -- docs` after changing a schema)', () => {
    expect(readFileSync(eventCatalogueFile, 'utf8')).to.equal(markdownForCatalog(catalog));
  });

  it('documents every event with its topic, subject and every field', () => {
    const markdown = markdownForCatalog(catalog);
    for (const { eventType, subject, schema } of catalog.all()) {
      expect(markdown).to.include(`### ${eventType}\n`).and.include(`Subject \`${subject}\``);
      for (const field of schema.fields) expect(markdown, `${eventType}.${field.name}`).to.include(`| \`${field.name}\` |`);
    }
  });

  it('generates optional fields for defaults and literal unions for enums', () => {
    const source = typescriptForCatalog(catalog);
    expect(source).to.contain("export type PaymentPurpose = 'SUBSCRIPTION_PERIOD' | 'CREDIT_TOP_UP' | 'SUBSCRIPTION_UPGRADE';");
    expect(source).to.match(/export type PaymentSucceeded = \{[^}]*periodIndex\?: null \| number;/);
    expect(source).to.contain("export type IntegrationEventPayloads = IntegrationEvents;");
  });
});
