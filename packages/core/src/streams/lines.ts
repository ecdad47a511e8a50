/** Line splitting for streams of text or bytes, in constant memory. */
import { concatBytes } from '../bytes.ts';

/** One line (without its break), or a line whose bytes are not UTF-8 — kept apart, never patched with U+FFFD. */
export type LineRead = { text: string } | { invalidUtf8: true };

const NEWLINE = 0x0a;
const ENCODER = new TextEncoder();

/**
 * Splits chunks into lines; `\r\n` and a final line without a break are handled. Bytes are cut at newline bytes
 * (never part of a multi-byte UTF-8 character) and each line is decoded on its own, so a line in another
 * encoding is reported as that line instead of being silently changed.
 */
export async function* readLines(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): AsyncGenerator<LineRead> {
  const bytes = new ByteLines();
  let text = '';
  for await (const chunk of chunks as AsyncIterable<string | Uint8Array>) {
    if (typeof chunk !== 'string' || bytes.started) {
      // Once bytes come, text joins them as bytes: a line may be split between the two kinds.
      if (text !== '') yield* bytes.push(ENCODER.encode(text));
      text = '';
      yield* bytes.push(typeof chunk === 'string' ? ENCODER.encode(chunk) : chunk);
      continue;
    }
    text += chunk;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      yield { text: withoutCr(text.slice(0, newline)) };
      text = text.slice(newline + 1);
      newline = text.indexOf('\n');
    }
  }
  if (text.length > 0) yield { text: withoutCr(text) };
  yield* bytes.end();
}

/** The lines as text; throws a TypeError naming the first line that is not valid UTF-8. */
export async function* splitLines(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): AsyncGenerator<string> {
  let number = 0;
  for await (const line of readLines(chunks)) {
    number++;
    if ('invalidUtf8' in line) throw new TypeError(`line ${number} is not valid UTF-8`);
    yield line.text;
  }
}

const withoutCr = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);

/** Byte chunks cut into lines, each decoded strictly. */
class ByteLines {
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #pending: Uint8Array[] = [];
  started = false;

  *push(chunk: Uint8Array): Generator<LineRead> {
    this.started = true;
    let start = 0;
    let newline = chunk.indexOf(NEWLINE);
    while (newline !== -1) {
      yield this.#decode(this.#take(chunk.subarray(start, newline)));
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) this.#pending.push(chunk.slice(start));
  }

  *end(): Generator<LineRead> {
    const rest = this.#take(new Uint8Array(0));
    if (rest.length > 0) yield this.#decode(rest);
  }

  /** The pending parts of a line and its last part, as one array. */
  #take(last: Uint8Array): Uint8Array {
    if (this.#pending.length === 0) return last;
    const parts = [...this.#pending, last];
    this.#pending = [];
    return concatBytes(parts);
  }

  #decode(line: Uint8Array): LineRead {
    try {
      return { text: withoutCr(this.#decoder.decode(line)) };
    } catch {
      return { invalidUtf8: true };
    }
  }
}
