import { rmSync } from 'node:fs';
import { freePort } from '@billing/testkit';
import { kafkaConfigFile, kafkaDataDir, startKafka } from '../kafka';
import { type Daemon, stopDaemon } from '../processes';

/**
 * A broker of its own for a test that stops, kills or restarts Kafka (chaos run, degradation) without taking the shared
 * broker away from everything else. Same jars and config as infra:up's, fresh storage, free ports; infra:down stops a
 * private broker a crashed run left behind (its pid file is named kafka-<name>).
 */
export interface PrivateKafka {
  readonly brokers: string[];
  /** SIGTERM (controlled shutdown), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: what a crashed broker looks like to its clients. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and storage; resolves when it answers. */
  start(): Promise<void>;
  /** Stops it and deletes its storage and config. */
  dispose(): Promise<void>;
}


export async function startPrivateKafka(name: string, heap = '384m'): Promise<PrivateKafka> {
  const settings = { port: await freePort(), controllerPort: await freePort(), heap, instance: `kafka-${name}` };
  rmSync(kafkaDataDir(settings.instance), { recursive: true, force: true });
  let daemon: Daemon | undefined;
  const start = async () => {
    daemon = (await startKafka(settings, [])).started;
  };
  const stop = async (graceMs = 15_000) => {
    if (daemon) await stopDaemon(daemon, graceMs);
    daemon = undefined;
  };
  await start();
  return {
    brokers: [`127.0.0.1:${settings.port}`],
    start,
    stop,
    kill: () => stop(0),
    async dispose() {
      await stop();
      rmSync(kafkaDataDir(settings.instance), { recursive: true, force: true });
      rmSync(kafkaConfigFile(settings.instance), { force: true });
    },
  };
}
