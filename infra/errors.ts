/** A failure the user can fix: one line that names the cause and the fix. */
export class InfraError extends Error {
  override readonly name = 'InfraError';
}
