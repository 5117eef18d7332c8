import { HappierError } from '../../src/domain/errors.js';

/** A feature the browser shows but whose core has not been built yet: said plainly, never faked. */
export function notAvailableYet(feature: string, hint = 'use the CLI once it supports this, or upgrade happier'): HappierError {
  return new HappierError('INTERNAL', `${feature} is not available yet`, { hint, details: { notAvailable: true } });
}
