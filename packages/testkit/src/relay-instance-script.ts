import { fileURLToPath } from 'node:url';

/** Path of relay-instance.ts, for a spec that runs it as its own process (importing it would run it). */
export const relayInstanceScript = fileURLToPath(new URL('./relay-instance.ts', import.meta.url));
