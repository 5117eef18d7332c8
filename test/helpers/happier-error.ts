import { HappierError } from '../../src/domain/errors.js';

/** The HappierError `fn` throws; fails the test if it returns or throws anything else. */
export function happierErrorOf(fn: () => unknown): HappierError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HappierError) return err;
    throw err;
  }
  throw new Error('expected a HappierError');
}
