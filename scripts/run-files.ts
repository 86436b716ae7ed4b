import { join } from 'node:path';
import { runDir } from '../infra/paths';

/** Written by a running `npm start`, removed when it stops: `{ token, services: { <name>: { http, grpc? } } }`. */
export const platformRunFile = join(runDir, 'platform.json');

/** Written by `npm start` when it runs the local Stripe-compatible server: `{ url, apiKey }` (npm run stripe reads it). */
export const stripeRunFile = join(runDir, 'stripe-local.json');
