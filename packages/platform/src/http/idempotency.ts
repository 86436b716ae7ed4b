import { createHash } from 'node:crypto';
import { Migration } from '@mikro-orm/migrations';
import type { FastifyRequest } from 'fastify';
import type { SqlExecutor, UnitOfWork } from '../sql/sql-executor';
import { ApiError } from './api-error';

export class IdempotencyKeysMigration extends Migration {
  static readonly migrationName = 'Migration20261126000002_idempotency_keys';

  override async up(): Promise<void> {
    this.addSql(`
      create table idempotency_keys (
        principal text not null,
        key text not null,
        route text not null,
        request_hash text not null,
        status int null,
        response jsonb null,
        created_at timestamptz not null default now(),
        primary key (principal, key)
      );`);
  }
}

export interface IdempotentRequest {
  /** Keys are per caller: two services may pick the same key. */
  principal: string;
  key: string;
  route: string;
  body: unknown;
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

const keyPattern = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key header: required on every write. */
export function idempotencyKeyOf(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || key.length === 0) throw new ApiError(400, 'IDEMPOTENCY_KEY_REQUIRED', 'writes need an Idempotency-Key header');
  if (!keyPattern.test(key)) throw new ApiError(400, 'INVALID_IDEMPOTENCY_KEY', 'an Idempotency-Key is 1 to 255 printable ASCII characters');
  return key;
}

const hashOf = (route: string, body: unknown) => createHash('sha256').update(route).update('\n').update(JSON.stringify(body ?? null)).digest('hex');

/**
 * Claims the key inside the caller's transaction. The primary key serialises concurrent requests with one key: the
 * second insert waits for the first transaction and then sees its row. Returns the stored response for a replay;
 * throws 422 when the key was used for another request, 409 while the first is still in flight.
 */
export async function claimIdempotencyKey(tx: SqlExecutor, request: IdempotentRequest): Promise<StoredResponse | undefined> {
  const requestHash = hashOf(request.route, request.body);
  const claimed = await tx.query(
    `insert into idempotency_keys (principal, key, route, request_hash) values ($1, $2, $3, $4)
     on conflict do nothing returning key`,
    [request.principal, request.key, request.route, requestHash],
  );
  if (claimed.length > 0) return undefined;
  const [existing] = await tx.query<{ request_hash: string; status: number | null; response: unknown }>(
    'select request_hash, status, response from idempotency_keys where principal = $1 and key = $2',
    [request.principal, request.key],
  );
  if (!existing || existing.request_hash !== requestHash) {
    throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request');
  }
  if (existing.status === null) throw new ApiError(409, 'IDEMPOTENCY_KEY_IN_PROGRESS', 'the first request with this Idempotency-Key is still being processed');
  return { status: existing.status, body: existing.response };
}

export async function storeIdempotentResponse(tx: SqlExecutor, request: IdempotentRequest, response: StoredResponse): Promise<void> {
  await tx.query('update idempotency_keys set status = $3, response = $4::jsonb where principal = $1 and key = $2', [
    request.principal,
    request.key,
    response.status,
    JSON.stringify(response.body),
  ]);
}

/**
 * The common case: the write and its response commit in one transaction with the key, so a replay returns the first
 * response and a failed write (rolled back) leaves the key free.
 */
export async function runIdempotent<Tx extends SqlExecutor>(
  unitOfWork: UnitOfWork<Tx>,
  request: IdempotentRequest,
  work: (tx: Tx) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  return unitOfWork.transaction(async (tx) => {
    const replay = await claimIdempotencyKey(tx, request);
    if (replay) return { ...replay, replayed: true };
    const response = await work(tx);
    await storeIdempotentResponse(tx, request, response);
    return { ...response, replayed: false };
  });
}
