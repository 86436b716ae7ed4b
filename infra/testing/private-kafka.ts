import { rmSync } from 'node:fs';
import { freePort } from '@billing/testkit';
import { type KafkaSettings, kafkaConfigFile, kafkaDataDir, startKafkaCluster } from '../kafka';
import { type Daemon, stopDaemon } from '../processes';

/**
 * A broker (or a cluster of `brokers` KRaft nodes) of its own for a test that stops, kills or restarts Kafka (chaos
 * run, degradation, leader failover) without taking the shared broker away from everything else. Same jars and config
 * as infra:up's, fresh storage, free ports; infra:down stops a private broker a crashed run left behind (its pid file
 * is named kafka-<name>[-<node>]).
 */
export interface PrivateKafka {
  readonly brokers: string[];
  /** Each node on its own, in node-id order: one unless started with brokers > 1. */
  readonly nodes: readonly PrivateKafkaNode[];
  /** SIGTERM (controlled shutdown), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: what a crashed broker looks like to its clients. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and storage; resolves when it answers. */
  start(): Promise<void>;
  /** Stops it and deletes its storage and config. */
  dispose(): Promise<void>;
}

export interface PrivateKafkaNode {
  /** The KRaft node id, which is also the broker id in topic metadata (partition leaders, replicas). */
  readonly nodeId: number;
  readonly address: string;
  /** SIGKILL this node alone. */
  kill(): Promise<void>;
  /** Starts this node again on its ports and storage; resolves when it answers. */
  start(): Promise<void>;
}

/** `count` distinct free ports (a port freed by one freePort call may be handed out again by the next). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

export async function startPrivateKafka(name: string, options: { heap?: string; brokers?: number } = {}): Promise<PrivateKafka> {
  const { heap = '384m', brokers = 1 } = options;
  const ports = await freePorts(2 * brokers);
  const quorumPorts = ports.slice(brokers);
  const settings: KafkaSettings[] = quorumPorts.map((controllerPort, index) => ({
    port: ports[index]!,
    controllerPort,
    heap,
    instance: brokers === 1 ? `kafka-${name}` : `kafka-${name}-${index + 1}`,
    nodeId: index + 1,
    quorumPorts,
  }));
  for (const node of settings) rmSync(kafkaDataDir(node.instance), { recursive: true, force: true });
  const daemons = new Map<string, Daemon>();
  const startNodes = async (nodes: KafkaSettings[]) => {
    const { started } = await startKafkaCluster(nodes, []);
    for (const daemon of started) daemons.set(daemon.name, daemon);
  };
  const stopNodes = async (nodes: KafkaSettings[], graceMs = 15_000) => {
    await Promise.all(
      nodes.map(async (node) => {
        const daemon = daemons.get(node.instance);
        daemons.delete(node.instance);
        if (daemon) await stopDaemon(daemon, graceMs);
      }),
    );
  };
  await startNodes(settings);
  return {
    brokers: settings.map((node) => `127.0.0.1:${node.port}`),
    nodes: settings.map((node) => ({
      nodeId: node.nodeId,
      address: `127.0.0.1:${node.port}`,
      kill: () => stopNodes([node], 0),
      start: () => startNodes([node]),
    })),
    start: () => startNodes(settings),
    stop: (graceMs) => stopNodes(settings, graceMs),
    kill: () => stopNodes(settings, 0),
    async dispose() {
      await stopNodes(settings);
      for (const node of settings) {
        rmSync(kafkaDataDir(node.instance), { recursive: true, force: true });
        rmSync(kafkaConfigFile(node.instance), { force: true });
      }
    },
  };
}
