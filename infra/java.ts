import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from './errors';

function majorVersion(javaBin: string): number | undefined {
  const result = spawnSync(javaBin, ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr);
  if (!match) return undefined;
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}

function candidates(preferredHomes: (string | undefined)[]): string[] {
  const homes = preferredHomes.filter((home): home is string => Boolean(home));
  const jvmDir = process.env.INFRA_JDK_DIR ?? '/usr/lib/jvm';
  const installed = existsSync(jvmDir) ? readdirSync(jvmDir).map((name) => join(jvmDir, name)) : [];
  return [...homes.map((home) => join(home, 'bin', 'java')), 'java', ...installed.map((home) => join(home, 'bin', 'java'))];
}

/**
 * A java binary of at least `minimum`: the given homes first, then PATH, then any JDK under /usr/lib/jvm
 * (INFRA_JDK_DIR).
 * Kafka 4 needs 17; Apicurio Registry 3.3 is compiled for 21.
 */
export function findJava(minimum: number, preferredHomes: (string | undefined)[], purpose: string): string {
  const seen: string[] = [];
  for (const bin of candidates(preferredHomes)) {
    const major = majorVersion(bin);
    if (major === undefined) continue;
    if (major >= minimum) return bin;
    seen.push(`${bin} is ${major}`);
  }
  const found = seen.length ? ` (found: ${seen.join(', ')})` : ' (no java found)';
  throw new InfraError(
    `${purpose} needs Java ${minimum}+${found}: install a JDK ${minimum}+ (e.g. apt-get install openjdk-17-jdk-headless for 17) or set JAVA_HOME`,
  );
}
