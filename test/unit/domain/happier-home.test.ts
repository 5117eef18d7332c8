import { describe, expect, it } from 'vitest';
import { resolveHappierHome } from '../../../src/domain/happier-home.js';

describe('HAPPIER_HOME resolution', () => {
  const none = () => false;
  it('uses HAPPIER_HOME first', () => {
    expect(resolveHappierHome({ HAPPIER_HOME: '/x', XDG_DATA_HOME: '/d' }, '/home/u', () => true)).toBe('/x');
  });
  it('keeps using ~/.happier once it exists', () => {
    expect(resolveHappierHome({ XDG_DATA_HOME: '/d' }, '/home/u', (p) => p === '/home/u/.happier')).toBe('/home/u/.happier');
  });
  it('follows XDG_DATA_HOME for a new install', () => {
    expect(resolveHappierHome({ XDG_DATA_HOME: '/d' }, '/home/u', none)).toBe('/d/happier');
  });
  it('defaults to ~/.happier', () => {
    expect(resolveHappierHome({}, '/home/u', none)).toBe('/home/u/.happier');
  });
});
