/** Plain-text tables and number formatting for terminal output. */

/** A left-aligned table with a header rule; cells are cut to `maxWidth`. */
export function table(rows: readonly Record<string, string | number>[], maxWidth = 48): string {
  if (rows.length === 0) return '(none)\n';
  const columns = Object.keys(rows[0] as object);
  const cell = (value: string | number | undefined) => {
    const text = String(value ?? '');
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
