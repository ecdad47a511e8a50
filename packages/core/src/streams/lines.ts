/** Line splitting for streams of text or bytes, in constant memory. */

/** Splits chunks into lines (without the line break); `\r\n` and a final line without a break are handled. */
export async function* splitLines(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string>,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of chunks as AsyncIterable<string | Uint8Array>) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline = buffer.indexOf('\n');
    while (newline !== -1) {
      yield buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
  }
  buffer += decoder.decode();
  if (buffer.length > 0) yield buffer.replace(/\r$/, '');
}
