import { describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle } from '../../../src/handoff/bundle-wire.js';
import type { StateBundle } from '../../../src/providers/provider.js';

const bundle: StateBundle = {
  agent: 'claude',
  vendorSessionId: 'e3fe963b-03cf-4b37-9f68-c2fed0cf91b6',
  sourceCwd: '/home/ann/app',
  meta: { slug: '-home-ann-app' },
  files: [
    { path: 'project/e3fe963b-03cf-4b37-9f68-c2fed0cf91b6.jsonl', mode: 0o600, data: Buffer.from('{"a":1}\n') },
    { path: 'tasks/e3fe963b-03cf-4b37-9f68-c2fed0cf91b6/t.json', mode: 0o644, data: Buffer.alloc(0) },
  ],
};

describe('a state bundle on the wire', () => {
  it('comes back byte for byte', () => {
    const { header, body } = encodeBundle(bundle);
    expect(decodeBundle(JSON.parse(JSON.stringify(header)), body)).toEqual(bundle);
  });

  it('is refused when a byte changed, bytes are missing or extra', () => {
    const { header, body } = encodeBundle(bundle);
    const flipped = Buffer.from(body);
    flipped[0] = flipped[0]! ^ 1;
    for (const b of [flipped, body.subarray(0, body.length - 1), Buffer.concat([body, Buffer.from('x')])]) {
      expect(() => decodeBundle(header, b)).toThrow(expect.objectContaining({ code: 'TRANSFER_FAILED' }));
    }
    const lying = { ...header, files: header.files.map((f, i) => (i === 0 ? { ...f, sha256: '0'.repeat(64) } : f)) };
    expect(() => decodeBundle(lying, body)).toThrow(/differs/);
  });

  it('a bundle of one transcript is checked as strictly: a changed byte or a lying file hash is refused', () => {
    const one: StateBundle = { ...bundle, files: [bundle.files[0]!] };
    const { header, body } = encodeBundle(one);
    expect(decodeBundle(JSON.parse(JSON.stringify(header)), body)).toEqual(one);
    const flipped = Buffer.from(body);
    flipped[1] = flipped[1]! ^ 1;
    expect(() => decodeBundle(header, flipped)).toThrow(expect.objectContaining({ code: 'TRANSFER_FAILED' }));
    const lying = { ...header, files: [{ ...header.files[0]!, sha256: '0'.repeat(64) }] };
    expect(() => decodeBundle(lying, body)).toThrow(/differs/);
  });
});
