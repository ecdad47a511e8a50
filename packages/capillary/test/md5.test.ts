import { describe, expect, it } from 'vitest';
import { basicAuthorization } from '../src/capillary-auth.ts';
import { md5Hex } from '../src/md5.ts';

describe('md5Hex', () => {
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
  ])('matches the RFC 1321 test vector for %j', (input, digest) => {
    expect(md5Hex(input)).toBe(digest);
  });

  it.each([
    [55, 'ef1772b6dff9a122358552954ad0df65'],
    [56, '3b0c8ac703f828b04c6c197006d17218'],
    [63, 'b06521f39153d618550606be297466d5'],
    [64, '014842d480b571495a4a0363793f7367'],
    [65, 'c743a45e0d2e6a95cb859adae0248435'],
    [119, '8a7bd0732ed6a28ce75f6dabc90e1613'],
    [120, '5f61c0ccad4cac44c75ff505e1f1e537'],
  ])('pads correctly around block boundaries (%i bytes)', (length, digest) => {
    expect(md5Hex('a'.repeat(length))).toBe(digest);
  });

  it('hashes the UTF-8 bytes of non-ASCII text', () => {
    expect(md5Hex('Ünïcødé ✓')).toBe('037f2032df49b6b9dd0a5c78d8ae5133');
  });
});

describe('Basic authorization (reference §1.2)', () => {
  it("reproduces the docs' header: the example's hash is the MD5 of password1234, not of the Pass123 it names", () => {
    expect(md5Hex('password1234')).toBe('bdc87b9c894da5168059e00ebffb9077');
    expect(basicAuthorization('store123', 'password1234')).toBe(
      'Basic c3RvcmUxMjM6YmRjODdiOWM4OTRkYTUxNjgwNTllMDBlYmZmYjkwNzc=',
    );
    expect(md5Hex('Pass123')).toBe('2f23fa3579f3f75175793649115c1b25');
  });

  it('encodes a non-ASCII till username as UTF-8', () => {
    const header = basicAuthorization('kassé', 'x');
    const bytes = Uint8Array.from(atob(header.slice(6)), (char) => char.charCodeAt(0));
    expect(new TextDecoder().decode(bytes)).toBe(`kassé:${md5Hex('x')}`);
  });
});
