import type { CustomerDirectory } from '../ports/customer-directory.port';

export class FakeCustomerDirectory implements CustomerDirectory {
  private readonly links = new Map<string, string>();
  lookups = 0;

  link(customerId: string, gatewayCustomerId: string): this {
    this.links.set(customerId, gatewayCustomerId);
    return this;
  }

  async gatewayCustomerIdOf(customerId: string): Promise<string | undefined> {
    this.lookups += 1;
    return this.links.get(customerId);
  }
}
