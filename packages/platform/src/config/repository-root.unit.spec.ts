import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { repositoryRoot } from './repository-root';

describe('repositoryRoot', () => {
  let tree: string;
  beforeEach(() => {
    tree = mkdtempSync(join(tmpdir(), 'repository-root-'));
  });
  afterEach(() => rmSync(tree, { recursive: true, force: true }));

  it('finds the nearest ancestor holding both proto/ and schemas/, at any depth (sources or a bundle)', () => {
    for (const directory of ['proto', 'schemas', 'packages/platform/src/config', 'dist/services/credit']) mkdirSync(join(tree, directory), { recursive: true });
    expect(repositoryRoot(join(tree, 'packages/platform/src/config'))).to.equal(tree);
    expect(repositoryRoot(join(tree, 'dist/services/credit'))).to.equal(tree);
  });

  it('does not stop at a directory holding only one of them', () => {
    for (const directory of ['proto', 'schemas', 'dist/proto', 'dist/services/credit']) mkdirSync(join(tree, directory), { recursive: true });
    expect(repositoryRoot(join(tree, 'dist/services/credit'))).to.equal(tree);
  });

  it('says where it looked when no ancestor has them', () => {
    mkdirSync(join(tree, 'elsewhere'));
    expect(() => repositoryRoot(join(tree, 'elsewhere'))).to.throw(/no directory with proto\/ and schemas\/ above .*elsewhere/);
  });

  it('finds this repository from its own sources', () => {
    expect(repositoryRoot()).to.equal(join(import.meta.dirname, '..', '..', '..', '..'));
  });
});
