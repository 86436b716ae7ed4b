/**
 * `@billing/platform/domain`: the pure shared kernel of the domain layers (the one part of the platform a domain may
 * import; .dependency-cruiser.cjs enforces both directions). No framework, no I/O, no other platform module.
 */
export * from './domain-error';
export * from './domain-guards';
