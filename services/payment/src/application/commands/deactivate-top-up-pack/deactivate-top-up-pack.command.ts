/** POST /v1/top-up-packs/{code}/deactivate: stop selling the pack. */
export interface DeactivateTopUpPack {
  readonly code: string;
}
