import { fileURLToPath } from 'node:url';

/** Path of consumer-instance.ts, for a spec that runs it as its own process (importing it would run it). */
export const consumerInstanceScript = fileURLToPath(new URL('./consumer-instance.ts', import.meta.url));
