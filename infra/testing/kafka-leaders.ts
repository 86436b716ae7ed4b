import type { Admin } from 'kafkajs';

/** Partition leaders of the given topics: node id → partitions it leads (-1: partitions without a leader). */
export async function leadersOf(admin: Admin, topics: string[]): Promise<Map<number, number>> {
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
  const led = new Map<number, number>();
  for (const topic of metadata) for (const partition of topic.partitions) led.set(partition.leader, (led.get(partition.leader) ?? 0) + 1);
  return led;
}

/** The node leading the most partitions of `topics` (the lowest id among equals): the one whose death hurts most. */
export async function busiestLeader(admin: Admin, topics: string[]): Promise<number> {
  const led = [...(await leadersOf(admin, topics))].filter(([node]) => node >= 0).sort(([a, n], [b, m]) => m - n || a - b);
  if (led.length === 0) throw new Error(`no partition of ${topics.join(', ')} has a leader`);
  return led[0]![0];
}

/** Resolves when every partition of `topics` is led by a node other than `deadNode`; how long that took from `since`. */
export async function waitForNewLeaders(admin: Admin, topics: string[], deadNode: number, since: number, timeoutMs: number): Promise<number> {
  const deadline = since + timeoutMs;
  for (;;) {
    // Metadata requests fail while the dead node's connections time out: that is part of the wait, not an error.
    const led = await leadersOf(admin, topics).catch(() => undefined);
    if (led && !led.has(deadNode) && !led.has(-1)) return Date.now() - since;
    if (Date.now() > deadline) throw new Error(`partitions of ${topics.join(', ')} still led by node ${deadNode} or by none after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Resolves when every partition of `topics` has a leader and all its replicas in sync (a restarted node caught up). */
export async function waitForFullIsr(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics }).catch(() => undefined);
    const inSync = metadata?.topics.every((topic) => topic.partitions.every((partition) => partition.leader >= 0 && partition.isr.length === partition.replicas.length));
    if (inSync) return;
    if (Date.now() > deadline) throw new Error(`partitions of ${topics.join(', ')} not fully in sync after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
