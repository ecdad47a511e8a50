/** Plain-text tables and number formatting for terminal output. */

// C0 and C1 controls, DEL, and the bidirectional overrides and isolates that reorder what follows them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL_BUT_LINES = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from providers and files as the terminal should show it: a title holding ESC, BEL or CR could otherwise
 * drive the terminal (colours, cursor moves, a rewritten line). Control characters are shown as `\u001b`.
 * `lines` keeps line breaks, for messages of several lines.
 */
export function printable(text: string, { lines = false } = {}): string {
  return text.replace(lines ? CONTROL_BUT_LINES : CONTROL, unicodeEscape);
}

// What JSON.stringify leaves as it is but a terminal acts on: DEL, C1 controls, line separators, bidi controls.
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON text with those characters as `\u` escapes: the same JSON value, harmless on a terminal. */
export function terminalSafeJson(json: string): string {
  return json.replace(JSON_UNSAFE, unicodeEscape);
}

/** JSON of `value` on one line, safe for a terminal. */
export function jsonLine(value: unknown): string {
  return `${terminalSafeJson(JSON.stringify(value))}\n`;
}

function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A left-aligned table with a header rule; cells are cut to `maxWidth`. */
export function table(rows: readonly Record<string, string | number>[], maxWidth = 48): string {
  if (rows.length === 0) return '(none)\n';
  const columns = Object.keys(rows[0] as object);
  const cell = (value: string | number | undefined) => {
    const text = printable(String(value ?? ''));
    return text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text;
  };
  const widths = columns.map((column) =>
    Math.max(column.length, ...rows.map((row) => cell(row[column]).length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index] as number))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(widths.map((width) => '─'.repeat(width))),
    ...rows.map((row) => line(columns.map((column) => cell(row[column])))),
  ]
    .join('\n')
    .concat('\n');
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
