import { describe, expect, it } from 'vitest';
import { paneReady } from '../../../src/domain/pane-ready.js';

describe('paneReady', () => {
  it('is ready as soon as the provider shows its prompt line', () => {
    expect(paneReady([{ atMs: 0, screen: 'loading' }, { atMs: 100, screen: '> \n? for shortcuts' }], ['? for shortcuts'], 2000)).toBe(true);
  });
  it('waits for a blank or changing screen', () => {
    expect(paneReady([{ atMs: 0, screen: '  \n' }], [], 0)).toBe(false);
    expect(paneReady([{ atMs: 0, screen: 'a' }, { atMs: 3000, screen: 'b' }], [], 2000)).toBe(false);
  });
  it('takes a screen unchanged for the stable time when no marker shows', () => {
    const samples = [{ atMs: 0, screen: 'x' }, { atMs: 1000, screen: 'y' }, { atMs: 2000, screen: 'y' }, { atMs: 3100, screen: 'y' }];
    expect(paneReady(samples, ['never'], 2000)).toBe(true);
    expect(paneReady(samples.slice(0, 3), ['never'], 2000)).toBe(false);
  });
});
