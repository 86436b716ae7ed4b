/**
 * Failover after a SIGKILL, seen from outside: when has the work of the killed instance been taken over by live
 * instances? Consumers: every consumer group of its service is Stable, has no member of the killed process (the member
 * ids carry the process's KAFKA_CLIENT_ID), and has every partition of its topics assigned to a member. Relay: all
 * outbox lanes of the service's database are locked by relay sessions, none of the killed process (application_name =
 * its PGAPPNAME). Both use the identities e2e/support/platform.ts gives each process incarnation.
 */
import { AssignerProtocol, type Admin, Kafka, logLevel } from 'kafkajs';
import { laneLockNamespace, outboxLanes } from '@billing/platform';
import type { ServiceName } from '../support/platform';
import type { ServiceDatabases } from './databases';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface GroupView {
  groupId: string;
  stable: boolean;
  /** Client ids of the members. */
  clients: string[];
  /** Partitions of the group's topics no member is assigned. */
  unassigned: number;
}

export class FailoverProbe {
  private readonly admin: Admin;
  private connected?: Promise<void>;

  constructor(
    brokers: string[],
    private readonly databases: ServiceDatabases,
  ) {
    this.admin = new Kafka({ brokers, clientId: 'chaos-failover', logLevel: logLevel.NOTHING }).admin();
  }

  /** The run's consumer groups (`<service>.<consumer>.<run>`), of one service or all. */
  async groups(service?: ServiceName): Promise<GroupView[]> {
    this.connected ??= this.admin.connect();
    await this.connected;
    const { groups } = await this.admin.listGroups();
    const ids = groups.map((group) => group.groupId).filter((id) => (service ? id.startsWith(`${service}.`) : !id.startsWith('chaos-')));
    if (!ids.length) return [];
    const described = await this.admin.describeGroups(ids);
    const partitionCounts = new Map<string, number>();
    const views: GroupView[] = [];
    for (const group of described.groups) {
      const subscribed = new Set<string>();
      const assigned = new Map<string, Set<number>>();
      for (const member of group.members) {
        for (const topic of AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics ?? []) subscribed.add(topic);
        for (const [topic, partitions] of Object.entries(AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {})) {
          const set = assigned.get(topic) ?? new Set<number>();
          for (const partition of partitions) set.add(partition);
          assigned.set(topic, set);
        }
      }
      let unassigned = 0;
      for (const topic of subscribed) {
        if (!partitionCounts.has(topic)) {
          const [metadata] = (await this.admin.fetchTopicMetadata({ topics: [topic] })).topics;
          partitionCounts.set(topic, metadata?.partitions.length ?? 0);
        }
        unassigned += partitionCounts.get(topic)! - (assigned.get(topic)?.size ?? 0);
      }
      views.push({ groupId: group.groupId, stable: group.state === 'Stable' && group.members.length > 0, clients: group.members.map((member) => member.clientId), unassigned });
    }
    return views;
  }

  /** Every group of the service stable, all its partitions assigned, no member of `deadIdentity`. */
  async consumersTakenOver(service: ServiceName, deadIdentity: string): Promise<boolean> {
    const groups = await this.groups(service);
    return groups.every((group) => group.stable && group.unassigned === 0 && !group.clients.includes(deadIdentity));
  }

  /** Every lane of the service's outbox locked by a relay session, none of them `deadIdentity`'s. */
  async lanesTakenOver(service: ServiceName, deadIdentity: string): Promise<boolean> {
    const [row] = await this.databases.query<{ lanes: string; dead: string }>(
      service,
      `select count(distinct l.objid) as lanes, count(*) filter (where a.application_name = $2) as dead
         from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.classid = $1 and l.objsubid = 2 and l.granted
          and l.database = (select oid from pg_database where datname = current_database())`,
      [laneLockNamespace, deadIdentity],
    );
    return Number(row!.lanes) === outboxLanes && Number(row!.dead) === 0;
  }

  /**
   * ms from `killedAt` until both the consumers and the relay lanes of the killed process are taken over (polled every
   * 250 ms); undefined when not within `timeoutMs`.
   */
  async takeover(service: ServiceName, deadIdentity: string, killedAt: number, timeoutMs: number): Promise<number | undefined> {
    let consumers = false;
    let lanes = false;
    while (Date.now() - killedAt < timeoutMs) {
      try {
        consumers ||= await this.consumersTakenOver(service, deadIdentity);
        lanes ||= await this.lanesTakenOver(service, deadIdentity);
        if (consumers && lanes) return Date.now() - killedAt;
      } catch {
        // The broker may be restarting: ask again.
      }
      await sleep(250);
    }
    return undefined;
  }

  /** Until every group of the run is stable with all partitions assigned (after a broker restart); false on timeout. */
  async settled(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const groups = await this.groups().catch(() => undefined);
      if (groups?.length && groups.every((group) => group.stable && group.unassigned === 0)) return true;
      await sleep(500);
    }
    return false;
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect();
  }
}
