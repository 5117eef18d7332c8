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

/** The HappierError a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function rejectionOf(p: Promise<unknown>): Promise<HappierError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof HappierError) return err;
    throw err;
  }
  throw new Error('expected a HappierError');
}
