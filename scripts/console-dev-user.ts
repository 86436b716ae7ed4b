import { randomBytes } from 'node:crypto';
import { consoleUserEntry, hashPassword } from '../console/server/users';

/** For `npm start` without CONSOLE_USERS: an operator `operator` with a new random password, and its CONSOLE_USERS entry. */
export async function consoleDevUser(): Promise<{ name: string; password: string; entry: string }> {
  const name = 'operator';
  const password = randomBytes(12).toString('base64url');
  return { name, password, entry: consoleUserEntry(name, 'operator', await hashPassword(password)) };
}
