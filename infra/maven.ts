import { spawnSync } from 'node:child_process';
import { InfraError } from './errors';

/** Named in full: a bare `dependency:` prefix needs plugin-group metadata first, which hides a network failure. */
export const dependencyPlugin = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/** Runs Maven quietly; turns its usual failures into one line naming the fix. */
export function runMaven(pom: string, args: string[], what: string): void {
  // INFRA_MAVEN_SETTINGS: a settings.xml with a mirror, for networks that reach Maven Central only through one.
  const settings = process.env.INFRA_MAVEN_SETTINGS ? ['-s', process.env.INFRA_MAVEN_SETTINGS] : [];
  const result = spawnSync('mvn', ['-B', '-q', ...settings, '-f', pom, ...args], { encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new InfraError(`mvn not found on PATH, needed once to fetch ${what}: install Maven (apt-get install maven)`);
  }
  if (result.status === 0) return;
  const output = `${result.stdout}\n${result.stderr}`;
  if (/Could not transfer|Unknown host|UnknownHostException|Connection refused|Network is unreachable|timed out/i.test(output)) {
    throw new InfraError(
      `Maven Central is unreachable, so ${what} cannot be fetched: check the network or the mirror in ~/.m2/settings.xml, then rerun`,
    );
  }
  const firstError = output.split('\n').find((line) => line.includes('[ERROR]')) ?? output.trim().split('\n').pop();
  throw new InfraError(`fetching ${what} with Maven failed: ${firstError?.trim()}`);
}
