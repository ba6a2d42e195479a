/**
 * The `console` global: every method writes one line to the call's log (App Services shows them
 * in the function's log entry), formatted as Node's console formats its arguments.
 */
import { formatWithOptions } from 'node:util';

/** Longest line kept; a function printing a huge document should not flood the log. */
const MAX_LINE_CHARS = 16_000;

const LEVELS = ['log', 'info', 'debug', 'warn', 'error', 'trace', 'dir'] as const;

/** A fresh `console` for one call; `write` receives each formatted line. */
export function createConsole(write: (line: string) => void): Record<string, (...args: unknown[]) => void> {
  const console: Record<string, (...args: unknown[]) => void> = {};
  for (const level of LEVELS) {
    console[level] = (...args: unknown[]) => write(formatLine(level, args));
  }
  // Timers and grouping are part of Node's console; App Services has no use for them, so they
  // exist (code that calls them keeps working) and write nothing.
  for (const silent of ['time', 'timeEnd', 'timeLog', 'group', 'groupEnd', 'table', 'assert', 'count']) {
    console[silent] = () => undefined;
  }
  return console;
}

function formatLine(level: (typeof LEVELS)[number], args: unknown[]): string {
  let text: string;
  try {
    text = formatWithOptions({ depth: 6, breakLength: Infinity }, ...args);
  } catch (error) {
    text = `(console.${level} arguments could not be formatted: ${(error as Error).message})`;
  }
  if (level === 'error' || level === 'warn') text = `${level.toUpperCase()}: ${text}`;
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}… (${text.length - MAX_LINE_CHARS} more characters)` : text;
}
