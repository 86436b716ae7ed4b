import { Migration } from '@mikro-orm/migrations';

/**
 * A grant belongs to its account (issue 14, item 5). Grant ids and the unique index used to be keyed on the source
 * alone, so granting one PROMOTION source to a second customer reused the first customer's grant id: the insert's
 * `on conflict (grant_id)` overwrote the first customer's grant row with the second's fresh numbers, and the second
 * account got a ledger 'grant' entry with no grant row of its own (INVARIANT_VIOLATION on every later command).
 *
 * From here grants are keyed by (account, grant id) and unique per (account, source). The repair rebuilds every grant
 * row whose id appears on more than one account from that account's own ledger, which is append-only and was written
 * correctly all along: the missing row of each later account is added, and the overwritten row of the first is put
 * back. Expiry and priority of an added row come from its account's CreditsGranted event in the outbox, else from the
 * row it collided with (the same source, so normally the same terms).
 */
export class GrantsPerAccountMigration extends Migration {
  static readonly migrationName = 'Migration20261204100000_grants_per_account';

  override async up(): Promise<void> {
    this.addSql('drop index credit_grants_source;');
    this.addSql('alter table credit_grants drop constraint credit_grants_pkey, add primary key (account_id, grant_id);');
    this.addSql(`
      insert into credit_grants (grant_id, account_id, source_type, source_id, source_period, amount, priority, granted_at, expires_at,
                                 remaining, held, consumed, expired_amount, revoked_amount, expired_at, revoked_at)
      select missing.grant_id, missing.account_id, other.source_type, other.source_id, other.source_period, 1,
             coalesce((granted.payload ->> 'priority')::int, other.priority), now(),
             case when granted.payload is null then other.expires_at else (granted.payload ->> 'expiresAt')::timestamptz end,
             0, 0, 0, 0, 0, null, null
      from (select distinct l.account_id, l.grant_id from credit_ledger l
            where not exists (select 1 from credit_grants g where g.account_id = l.account_id and g.grant_id = l.grant_id)) missing
      join lateral (select * from credit_grants g where g.grant_id = missing.grant_id limit 1) other on true
      left join lateral (select o.payload from outbox o
                         where o.event_type = 'CreditsGranted' and o.aggregate_id = missing.account_id::text and o.payload ->> 'grantId' = missing.grant_id::text
                         limit 1) granted on true;`);
    this.addSql(`
      update credit_grants g set amount = s.granted, granted_at = s.granted_at, remaining = s.balance, held = s.held,
        consumed = s.captured - s.refunded, expired_amount = s.expired, revoked_amount = s.revoked, expired_at = s.expired_at, revoked_at = s.revoked_at
      from (select account_id, grant_id,
                   coalesce(sum(amount) filter (where type = 'grant'), 0) as granted,
                   min(occurred_at) filter (where type = 'grant') as granted_at,
                   sum(balance_delta) as balance, sum(held_delta) as held,
                   coalesce(sum(amount) filter (where type = 'capture'), 0) as captured,
                   coalesce(sum(amount) filter (where type = 'refund'), 0) as refunded,
                   coalesce(sum(amount) filter (where type = 'expire'), 0) as expired,
                   coalesce(sum(amount) filter (where type = 'revoke'), 0) as revoked,
                   min(occurred_at) filter (where type = 'expire') as expired_at,
                   min(occurred_at) filter (where type = 'revoke') as revoked_at
            from credit_ledger
            where grant_id in (select grant_id from credit_ledger group by grant_id having count(distinct account_id) > 1)
            group by account_id, grant_id) s
      where g.account_id = s.account_id and g.grant_id = s.grant_id;`);
    this.addSql('create unique index credit_grants_account_source on credit_grants (account_id, source_type, source_id, coalesce(source_period, -1));');
    // A revoke waiting for its grant waits on one customer's grant of that source, not on every customer's.
    this.addSql('alter table credit_pending_revocations drop constraint credit_pending_revocations_pkey, add primary key (customer_id, source_type, source_id, source_period);');
  }
}
