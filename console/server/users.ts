import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

export const consoleRoles = ['viewer', 'operator'] as const;
export type ConsoleRole = (typeof consoleRoles)[number];

export interface ConsoleUser {
  name: string;
  role: ConsoleRole;
  /** `scrypt$<salt base64>$<key base64>` */
  passwordHash: string;
}

const derive = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const keyLength = 64;
const namePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

/** A new `scrypt$<salt>$<key>` for a password (scrypt's default cost, N=16384, r=8, p=1, 16-byte salt). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${(await derive(password, salt, keyLength)).toString('base64')}`;
}

/** Compared in constant time; a malformed hash never matches. */
export async function passwordMatches(password: string, passwordHash: string): Promise<boolean> {
  const [scheme, salt, key] = passwordHash.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  if (expected.length === 0) return false;
  const actual = await derive(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

export const consoleUserEntry = (name: string, role: ConsoleRole, passwordHash: string) => `${name}:${role}:${passwordHash}`;

export const isConsoleRole = (role: string): role is ConsoleRole => (consoleRoles as readonly string[]).includes(role);
export const isConsoleUserName = (name: string) => namePattern.test(name);

/** CONSOLE_USERS: comma-separated `name:role:scrypt$<salt>$<key>`; a malformed entry is an error naming it (never its hash). */
export function parseConsoleUsers(text: string): ConsoleUser[] {
  const users = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const [name = '', role = '', passwordHash = '', ...rest] = entry.split(':');
      if (!isConsoleUserName(name) || !isConsoleRole(role) || !/^scrypt\$[^$]+\$[^$]+$/.test(passwordHash) || rest.length > 0) {
        throw new Error(`CONSOLE_USERS entry ${index + 1} (${name || 'no name'}) is not name:viewer|operator:scrypt$<salt>$<key>`);
      }
      return { name, role, passwordHash };
    });
  const names = users.map((user) => user.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated) throw new Error(`CONSOLE_USERS names ${repeated} twice`);
  if (users.length === 0) throw new Error('CONSOLE_USERS has no entries');
  return users;
}
