/**
 * The PROVIDERS cell of a machine, the same in `machine list` and the browser: the
 * providers found, `none` when the machine was asked and has none, `?` when it has not
 * been asked yet (or could not be). The legend says the same words.
 */
export const PROVIDERS_UNKNOWN = '?';
export const PROVIDERS_NONE = 'none';
export const PROVIDERS_LEGEND = `PROVIDERS ${PROVIDERS_UNKNOWN}: not checked yet, ${PROVIDERS_NONE}: none found`;

export function providersCell(providers: readonly string[] | null): string {
  if (providers === null) return PROVIDERS_UNKNOWN;
  return providers.length ? providers.join(',') : PROVIDERS_NONE;
}
