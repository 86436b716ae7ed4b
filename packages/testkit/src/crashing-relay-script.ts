import { fileURLToPath } from 'node:url';

/** Path of crashing-relay.ts, for a spec that runs it as its own process (importing it would run it). */
export const crashingRelayScript = fileURLToPath(new URL('./crashing-relay.ts', import.meta.url));
