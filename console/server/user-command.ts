/**
 * `npm run console:user -- <name> <viewer|operator>`: reads a password from stdin (a prompt on a terminal, or piped:
 * `echo "$PASSWORD" | npm run -s console:user -- alice operator`), or makes one when the input is empty, and prints the
 * CONSOLE_USERS entry. Only the hash goes into the entry; a generated password is printed once, to stderr.
 */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { consoleUserEntry, hashPassword, isConsoleRole, isConsoleUserName } from './users';

const [name = '', role = ''] = process.argv.slice(2);
if (!isConsoleUserName(name) || !isConsoleRole(role)) {
  console.error('usage: npm run console:user -- <name> <viewer|operator>   (name: letters, digits, . _ -; the password comes from stdin)');
  process.exit(2);
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text.replace(/\r?\n$/, '');
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await prompt.question('password (empty: generate one): ');
  } finally {
    prompt.close();
  }
}

let password = await readPassword();
if (password === '') {
  password = randomBytes(12).toString('base64url');
  console.error(`generated password for ${name}: ${password}`);
}
console.log(consoleUserEntry(name, role, await hashPassword(password)));
