/** Read-only SQL over the run's four service databases (one small pool each). */
import { databaseUrlFor } from '@billing/platform';
import pg from 'pg';
import { type Platform, type ServiceName, serviceNames } from '../support/platform';

export class ServiceDatabases {
  private readonly pools: Record<ServiceName, pg.Pool>;

  constructor(platform: Platform) {
    this.pools = Object.fromEntries(
      serviceNames.map((name) => [name, new pg.Pool({ connectionString: databaseUrlFor(platform.infra.databaseUrl, platform.services[name].database), max: 2 })]),
    ) as Record<ServiceName, pg.Pool>;
    for (const pool of Object.values(this.pools)) pool.on('error', () => undefined);
  }

  async query<Row = Record<string, any>>(service: ServiceName, sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.pools[service].query(sql, params)).rows as Row[];
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.pools).map((pool) => pool.end()));
  }
}
