import { InvalidArgumentError } from 'commander';

/** `--messages N`: a whole number of messages, 0 or more. */
export function parseMessageCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('expected a whole number of messages, e.g. --messages 10');
  }
  return n;
}
