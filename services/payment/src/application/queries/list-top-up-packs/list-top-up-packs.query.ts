/** GET /v1/top-up-packs: the catalogue by code; `cursor` is the last code of the previous page. */
export interface ListTopUpPacks {
  readonly activeOnly: boolean;
  readonly limit: number;
  readonly cursor?: string;
}
