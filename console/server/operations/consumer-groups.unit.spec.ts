import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '@billing/platform';
import { expect } from 'chai';
import { serviceConsumerGroups } from './consumer-groups';

/** `<service>.<consumer>` for every consumer a service declares (interface/consumers/*.consumer.ts), read as text. */
function declaredGroups(): string[] {
  const services = join(repositoryRoot(), 'services');
  return readdirSync(services).flatMap((service) => {
    const folder = join(services, service, 'src', 'interface', 'consumers');
    let files: string[];
    try {
      files = readdirSync(folder).filter((file) => file.endsWith('.consumer.ts'));
    } catch {
      return [];
    }
    return files.flatMap((file) => [...readFileSync(join(folder, file), 'utf8').matchAll(/export const \w+_CONSUMER = '([^']+)'/g)].map((match) => `${service}.${match[1]}`));
  });
}

describe('the consumer groups the console reports', () => {
  it("are the services' consumers, so a new consumer cannot be missing from the Operations page unnoticed", () => {
    expect(declaredGroups()).to.have.length.greaterThan(0);
    expect(serviceConsumerGroups.map((group) => group.groupId).sort()).to.deep.equal(declaredGroups().sort());
  });
});
