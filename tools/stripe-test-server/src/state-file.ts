/**
 * The local Stripe server's state on disk, so `npm start` can be stopped and started without the services meeting
 * "No such customer" for the cus_… they stored. What is kept: customers, payment intents, charges, refunds, disputes,
 * events (in creation order, which lists and search depend on), when each was created, and the idempotency keys that
 * have a stored answer (a key still in flight is dropped: its request died with the process). Not kept: webhook
 * endpoints, knobs (outages, latency, scripted outcomes), the request log — the caller sets those up at each start.
 *
 * Writes are atomic (a temporary file, then rename) and coalesced: `schedule()` after every state change, one write
 * per burst; `flush()` waits for the last one (close() calls it).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

type Obj = Record<string, unknown>;

/** The parts of the server's state that survive a restart (maps keep insertion order, which lists depend on). */
export interface PersistentStripeState {
  customers: Map<string, Obj>;
  paymentIntents: Map<string, Obj>;
  charges: Map<string, Obj>;
  refunds: Map<string, Obj>;
  disputes: Map<string, Obj>;
  events: Map<string, Obj>;
  createdAtMs: Map<string, number>;
  idempotency: Map<string, { readonly endpoint: string; readonly params: string; response?: { readonly status: number; readonly body: string } }>;
}

const collections = ['customers', 'paymentIntents', 'charges', 'refunds', 'disputes', 'events'] as const;
const version = 1;

interface StateFileV1 {
  readonly version: 1;
  readonly savedAt: string;
  readonly customers: Obj[];
  readonly paymentIntents: Obj[];
  readonly charges: Obj[];
  readonly refunds: Obj[];
  readonly disputes: Obj[];
  readonly events: Obj[];
  readonly createdAtMs: Array<[string, number]>;
  readonly idempotency: Array<[string, { endpoint: string; params: string; response: { status: number; body: string } }]>;
}

export function serializeState(state: PersistentStripeState): string {
  const file: StateFileV1 = {
    version,
    savedAt: new Date().toISOString(),
    customers: [...state.customers.values()],
    paymentIntents: [...state.paymentIntents.values()],
    charges: [...state.charges.values()],
    refunds: [...state.refunds.values()],
    disputes: [...state.disputes.values()],
    events: [...state.events.values()],
    createdAtMs: [...state.createdAtMs],
    idempotency: [...state.idempotency].flatMap(([key, entry]) =>
      entry.response ? [[key, { endpoint: entry.endpoint, params: entry.params, response: entry.response }] as const] : [],
    ) as StateFileV1['idempotency'],
  };
  return JSON.stringify(file);
}

/**
 * Loads `path` into `state` (replacing what it holds); false when there is no file (its folder is then created, for
 * the writes to come). A file it cannot read throws.
 */
export function loadStateFile(path: string, state: PersistentStripeState): boolean {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    return false;
  }
  let file: StateFileV1;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as StateFileV1;
  } catch (error) {
    throw new Error(`stripe test server: state file ${path} is not JSON (${String(error)}); move it away to start empty`);
  }
  if (file?.version !== version) {
    throw new Error(`stripe test server: state file ${path} has version ${String(file?.version)}, expected ${version}; move it away to start empty`);
  }
  for (const name of collections) {
    state[name].clear();
    for (const object of file[name] ?? []) state[name].set(String(object.id), object);
  }
  state.createdAtMs.clear();
  for (const [id, ms] of file.createdAtMs ?? []) state.createdAtMs.set(id, ms);
  state.idempotency.clear();
  for (const [key, entry] of file.idempotency ?? []) state.idempotency.set(key, { ...entry });
  return true;
}

/** Coalesced, atomic writes of one state to one file. */
export class StateFileWriter {
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private dirty = false;
  private lastError: unknown = null;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => string,
    private readonly delayMs = 20,
  ) {}

  /** A state change happened: write soon (one write for a burst of changes). */
  schedule(): void {
    this.dirty = true;
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.writeNow();
    }, this.delayMs);
    this.timer.unref();
  }

  /** Writes what is pending and waits for it; rethrows the last write error, if any. */
  async flush(): Promise<void> {
    while (this.writing || this.dirty) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      if (this.writing) await this.writing;
      else await this.writeNow();
    }
    if (this.lastError) {
      const error = this.lastError;
      this.lastError = null;
      throw error;
    }
  }

  private writeNow(): Promise<void> {
    if (this.writing) return this.writing;
    this.dirty = false;
    const body = this.snapshot();
    const temporary = `${this.path}.${process.pid}.tmp`;
    this.writing = writeFile(temporary, body)
      .then(() => rename(temporary, this.path))
      .catch((error: unknown) => {
        this.lastError = error;
        console.error(`stripe test server: could not save state to ${this.path}: ${String(error)}`);
      })
      .finally(() => {
        this.writing = null;
        if (this.dirty && !this.timer) this.schedule();
      });
    return this.writing;
  }
}
