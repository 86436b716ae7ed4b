import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsoleRole } from './users';

export interface Session {
  id: string;
  name: string;
  role: ConsoleRole;
  csrfToken: string;
  lastSeenAt: number;
}

/**
 * Sessions in this process's memory: a restart signs everyone out, which is acceptable for an operator console and
 * keeps the console without a database of its own. A session ends after `idleMs` without a request.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(name: string, role: ConsoleRole): Session {
    this.sweep();
    const session = { id: randomBytes(32).toString('base64url'), name, role, csrfToken: randomBytes(32).toString('base64url'), lastSeenAt: this.now() };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, its idle timer restarted; undefined when unknown or idle too long. */
  touch(id: string | undefined): Session | undefined {
    const session = id ? this.sessions.get(id) : undefined;
    if (!session) return undefined;
    if (this.now() - session.lastSeenAt > this.idleMs) {
      this.sessions.delete(session.id);
      return undefined;
    }
    session.lastSeenAt = this.now();
    return session;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  /** Drops idle sessions, so sign-ins that never sign out do not pile up. */
  private sweep(): void {
    for (const session of this.sessions.values()) if (this.now() - session.lastSeenAt > this.idleMs) this.sessions.delete(session.id);
  }
}

export function csrfTokenMatches(session: Session, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(session.csrfToken);
  const actual = Buffer.from(header);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
