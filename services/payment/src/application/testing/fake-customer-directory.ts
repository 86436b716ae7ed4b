import type { CustomerDirectory } from '../ports/customer-directory.port';

export class FakeCustomerDirectory implements CustomerDirectory {
  private readonly links = new Map<string, string>();
  private readonly deactivated = new Set<string>();
  lookups = 0;

  link(customerId: string, gatewayCustomerId: string): this {
    this.links.set(customerId, gatewayCustomerId);
    return this;
  }

  deactivate(customerId: string): this {
    this.deactivated.add(customerId);
    return this;
  }

  async isDeactivated(customerId: string): Promise<boolean> {
    return this.deactivated.has(customerId);
  }

  async gatewayCustomerIdOf(customerId: string): Promise<string | undefined> {
    this.lookups += 1;
    return this.links.get(customerId);
  }
}
