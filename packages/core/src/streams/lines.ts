/** Line splitting for streams of text or bytes, in constant memory. */
import { concatBytes } from '../bytes.ts';

/**
 * One line (without its break); a line whose bytes are not UTF-8 — kept apart, never patched with U+FFFD; or
 * one longer than {@link MAX_LINE_BYTES}, skipped without being held.
 */
export type LineRead = { text: string } | { invalidUtf8: true } | { tooLong: true };

/**
 * The longest line read: far above any goal the model accepts (a few hundred kilobytes at its limits), and
 * what keeps one runaway line from taking the reader's memory (or V8's string limit) with it.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

const NEWLINE = 0x0a;
const ENCODER = new TextEncoder();

/**
 * Splits chunks into lines; `\r\n` and a final line without a break are handled. Bytes are cut at newline bytes
 * (never part of a multi-byte UTF-8 character) and each line is decoded on its own, so a line in another
 * encoding is reported as that line instead of being silently changed. A byte order mark that starts the
 * input is dropped, whether it came as bytes or as text; anywhere else it is a character like any other.
 */
export async function* readLines(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): AsyncGenerator<LineRead> {
  const start = new InputStart();
  const bytes = new ByteLines(start);
  const text = new TextLines(start);
  for await (const chunk of chunks as AsyncIterable<string | Uint8Array>) {
    if (typeof chunk === 'string' && !bytes.started) {
      yield* text.push(chunk);
      continue;
    }
    // Once bytes come, text joins them as bytes: a line may be split between the two kinds.
    if (!bytes.started) {
      const held = text.take();
      if (held === undefined) bytes.skipLine();
      else if (held !== '') yield* bytes.push(ENCODER.encode(held));
    }
    yield* bytes.push(typeof chunk === 'string' ? ENCODER.encode(chunk) : chunk);
  }
  yield* text.end();
  yield* bytes.end();
}

/** The lines as text; throws naming the first line that is not valid UTF-8 or is too long. */
export async function* splitLines(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): AsyncGenerator<string> {
  let number = 0;
  for await (const line of readLines(chunks)) {
    number++;
    if ('invalidUtf8' in line) throw new TypeError(`line ${number} is not valid UTF-8`);
    if ('tooLong' in line) throw new RangeError(`line ${number} is longer than ${MAX_LINE_BYTES} bytes`);
    yield line.text;
  }
}

const withoutCr = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);

/** Whether the input's first line is still to come: a U+FEFF that starts it is a byte order mark, not text. */
class InputStart {
  #first = true;

  /** The text of the line that ends now, without the byte order mark if it is the input's first. */
  text(line: string): string {
    if (!this.#first) return line;
    this.#first = false;
    return line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  }

  /** A line ended that is not read as text (too long, not UTF-8): the start has passed. */
  passed(): void {
    this.#first = false;
  }
}

/** Bytes of `text` as UTF-8, counted without encoding it when its length alone decides against `limit`. */
function exceedsUtf8(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return ENCODER.encode(text).length > limit;
}

/** Text chunks cut into lines; a line over the cap is skipped to its end without being held. */
class TextLines {
  readonly #start: InputStart;
  #held = '';
  #skipping = false;

  constructor(start: InputStart) {
    this.#start = start;
  }

  *push(chunk: string): Generator<LineRead> {
    let start = 0;
    let newline = chunk.indexOf('\n');
    while (newline !== -1) {
      yield this.#line(chunk.slice(start, newline));
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    this.#hold(chunk.slice(start));
  }

  *end(): Generator<LineRead> {
    if (this.#skipping || this.#held !== '') yield this.#line('');
  }

  /** The start of the line bytes continue: its text, or undefined when it is being skipped. */
  take(): string | undefined {
    const held = this.#skipping ? undefined : this.#held;
    this.#held = '';
    this.#skipping = false;
    return held;
  }

  #hold(part: string): void {
    if (this.#skipping || part === '') return;
    this.#held += part;
    // Measured in UTF-16 units here, at most two bytes each as held; the exact count waits for the line's end.
    if (this.#held.length > MAX_LINE_BYTES) {
      this.#held = '';
      this.#skipping = true;
    }
  }

  #line(last: string): LineRead {
    const line = this.#held + last;
    const skipped = this.#skipping;
    this.#held = '';
    this.#skipping = false;
    if (skipped || exceedsUtf8(line, MAX_LINE_BYTES)) {
      this.#start.passed();
      return { tooLong: true };
    }
    return { text: withoutCr(this.#start.text(line)) };
  }
}

/** Byte chunks cut into lines, each decoded strictly. */
class ByteLines {
  // A decoder drops a BOM at the start of every text it decodes: only the input's first line may lose one.
  readonly #decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  readonly #start: InputStart;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  /** The line being read is too long: its bytes are dropped until it ends. */
  #skipping = false;
  started = false;

  constructor(start: InputStart) {
    this.#start = start;
  }

  *push(chunk: Uint8Array): Generator<LineRead> {
    this.started = true;
    let start = 0;
    let newline = chunk.indexOf(NEWLINE);
    while (newline !== -1) {
      yield this.#line(chunk.subarray(start, newline));
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) this.#hold(chunk.slice(start));
  }

  *end(): Generator<LineRead> {
    if (this.#skipping || this.#pendingBytes > 0) yield this.#line(new Uint8Array(0));
  }

  /** Part of a line whose end has not come yet. */
  #hold(part: Uint8Array): void {
    if (this.#skipping) return;
    this.#pendingBytes += part.length;
    if (this.#pendingBytes > MAX_LINE_BYTES) this.skipLine();
    else this.#pending.push(part);
  }

  /** The line under way is too long (perhaps its start came as text): dropped until it ends. */
  skipLine(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#skipping = true;
  }

  /** The line that ends with `last`. */
  #line(last: Uint8Array): LineRead {
    if (!this.#skipping && this.#pendingBytes + last.length > MAX_LINE_BYTES) this.skipLine();
    if (this.#skipping) {
      this.#skipping = false;
      this.#start.passed();
      return { tooLong: true };
    }
    return this.#decode(this.#take(last));
  }

  /** The pending parts of a line and its last part, as one array. */
  #take(last: Uint8Array): Uint8Array {
    this.#pendingBytes = 0;
    if (this.#pending.length === 0) return last;
    const parts = [...this.#pending, last];
    this.#pending = [];
    return concatBytes(parts);
  }

  #decode(line: Uint8Array): LineRead {
    try {
      return { text: withoutCr(this.#start.text(this.#decoder.decode(line))) };
    } catch {
      this.#start.passed();
      return { invalidUtf8: true };
    }
  }
}
