import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeQr, renderQr, type QrLevel } from '../../agent/intent/qr.ts';

interface Vector {
  level: QrLevel;
  hex: string;
  version: number;
  rows: string[];
}

const vectors = JSON.parse(readFileSync(new URL('./vectors/qr/libqrencode.json', import.meta.url), 'utf8')) as Vector[];
const rows = (m: readonly (readonly boolean[])[]): string[] => m.map((r) => r.map((d) => (d ? '1' : '0')).join(''));

describe('QR encoder against libqrencode', () => {
  for (const v of vectors) {
    it(`${v.hex.length / 2} bytes at level ${v.level}: version ${v.version}, the same modules for libqrencode's mask`, () => {
      const data = Uint8Array.from(Buffer.from(v.hex, 'hex'));
      expect(encodeQr(data, v.level).version).toBe(v.version);
      const matches = [0, 1, 2, 3, 4, 5, 6, 7].filter((mask) => rows(encodeQr(data, v.level, mask).modules).join('\n') === v.rows.join('\n'));
      expect(matches).toHaveLength(1);
    });
  }

  it('renders two module rows per line with a quiet zone, and refuses data that does not fit', () => {
    const code = encodeQr(new TextEncoder().encode('hello'), 'M');
    const lines = renderQr(code).trimEnd().split('\n');
    expect(lines).toHaveLength(Math.ceil((code.size + 8) / 2));
    expect(() => encodeQr(new Uint8Array(300), 'M')).toThrow(RangeError);
  });
});
