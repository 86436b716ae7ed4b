import { randomUUID } from 'node:crypto';

/** A name no earlier test run used: tests share one broker, registry and server, so topics and databases must not collide. */
export const uniqueName = (prefix: string) => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
