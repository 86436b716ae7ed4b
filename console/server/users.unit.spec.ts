import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { repositoryRoot } from '@billing/platform';
import { hashPassword, parseConsoleUsers, passwordMatches } from './users';

describe('console users', () => {
  describe('passwords', () => {
    it('matches the password a hash was made from, and no other', async () => {
      const hash = await hashPassword('correct horse');
      expect(hash).to.match(/^scrypt\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(await passwordMatches('correct horse', hash)).to.equal(true);
      expect(await passwordMatches('correct hors', hash)).to.equal(false);
      expect(await hashPassword('correct horse'), 'a new salt each time').to.not.equal(hash);
    });

    it('never matches a malformed hash', async () => {
      for (const hash of ['', 'scrypt$', 'bcrypt$a$b', 'scrypt$c2FsdA==$']) expect(await passwordMatches('x', hash), hash).to.equal(false);
    });
  });

  describe('CONSOLE_USERS', () => {
    it('reads name:role:hash entries separated by commas', async () => {
      const hash = await hashPassword('p');
      expect(parseConsoleUsers(` alice:operator:${hash}, bob:viewer:${hash} `)).to.deep.equal([
        { name: 'alice', role: 'operator', passwordHash: hash },
        { name: 'bob', role: 'viewer', passwordHash: hash },
      ]);
    });

    it('refuses an unknown role, a malformed hash, a repeated name and an empty list, naming the entry but not its hash', async () => {
      const hash = await hashPassword('p');
      expect(() => parseConsoleUsers(`alice:admin:${hash}`)).to.throw(/entry 1 \(alice\)/);
      expect(() => parseConsoleUsers('alice:operator:plaintext')).to.throw(/entry 1 \(alice\)/);
      expect(() => parseConsoleUsers('alice:operator:plaintext')).to.not.throw(/plaintext/);
      expect(() => parseConsoleUsers(`alice:operator:${hash},alice:viewer:${hash}`)).to.throw(/alice twice/);
      expect(() => parseConsoleUsers(' , ')).to.throw(/no entries/);
    });
  });

  describe('npm run console:user', () => {
    it('prints an entry whose hash matches the password read from stdin', async () => {
      const root = repositoryRoot();
      const run = spawnSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'console/server/user-command.ts'), 'alice', 'viewer'], { input: 'my password\n', encoding: 'utf8' });
      expect(run.status, run.stderr).to.equal(0);
      const [user] = parseConsoleUsers(run.stdout.trim());
      expect(user).to.include({ name: 'alice', role: 'viewer' });
      expect(await passwordMatches('my password', user!.passwordHash)).to.equal(true);
    });
  });
});
