/**
 * MD5 (RFC 1321) of a UTF-8 string, as lowercase hex. Capillary's Basic auth sends the MD5 of the till
 * password (reference §1.2); WebCrypto has no MD5 and runtime code uses web APIs only, hence this small,
 * dependency-free implementation. Not for security: MD5 is what the API asks for, nothing more.
 */

/** Per-round left-rotation amounts (RFC 1321 §3.4). */
const SHIFTS = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
  14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15,
  21, 6, 10, 15, 21,
];

/** T[i] = floor(2^32 × |sin(i + 1)|), computed once rather than transcribed. */
const SINES = Array.from(
  { length: 64 },
  (_, index) => Math.floor(2 ** 32 * Math.abs(Math.sin(index + 1))) >>> 0,
);

/** The message padded to a multiple of 64 bytes, ending with its bit length (little-endian, 64 bits). */
function pad(message: Uint8Array): DataView {
  const length = Math.ceil((message.length + 9) / 64) * 64;
  const bytes = new Uint8Array(length);
  bytes.set(message);
  bytes[message.length] = 0x80;
  const view = new DataView(bytes.buffer);
  const bits = message.length * 8;
  view.setUint32(length - 8, bits >>> 0, true);
  view.setUint32(length - 4, Math.floor(bits / 2 ** 32), true);
  return view;
}

function rotateLeft(value: number, shift: number): number {
  return (value << shift) | (value >>> (32 - shift));
}

/** Lowercase hex MD5 digest of the UTF-8 encoding of `text`. */
export function md5Hex(text: string): string {
  const view = pad(new TextEncoder().encode(text));
  const state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  const words = new Array<number>(16);
  for (let offset = 0; offset < view.byteLength; offset += 64) {
    for (let index = 0; index < 16; index++) words[index] = view.getUint32(offset + index * 4, true);
    let [a, b, c, d] = state as [number, number, number, number];
    for (let step = 0; step < 64; step++) {
      let mix: number;
      let word: number;
      if (step < 16) {
        mix = (b & c) | (~b & d);
        word = step;
      } else if (step < 32) {
        mix = (d & b) | (~d & c);
        word = (5 * step + 1) % 16;
      } else if (step < 48) {
        mix = b ^ c ^ d;
        word = (3 * step + 5) % 16;
      } else {
        mix = c ^ (b | ~d);
        word = (7 * step) % 16;
      }
      const sum = (a + mix + (SINES[step] as number) + (words[word] as number)) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + rotateLeft(sum, SHIFTS[step] as number)) | 0;
    }
    state[0] = ((state[0] as number) + a) | 0;
    state[1] = ((state[1] as number) + b) | 0;
    state[2] = ((state[2] as number) + c) | 0;
    state[3] = ((state[3] as number) + d) | 0;
  }
  const digest = new DataView(new ArrayBuffer(16));
  state.forEach((word, index) => {
    digest.setUint32(index * 4, word, true);
  });
  return Array.from(new Uint8Array(digest.buffer), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
