/**
 * Seeding progress for a terminal: on a TTY one line redrawn in place while a collection loads,
 * left behind as a summary when it is done; elsewhere (a log file, CI) only the summary lines.
 */
import type { SeedProgress } from './writer';

/** Redrawing more often than this only costs time. */
const REDRAW_MS = 100;

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function line(progress: SeedProgress, done: boolean): string {
  const namespace = `${progress.database}.${progress.collection}`;
  if (done) return `seeded ${namespace}: ${count(progress.inserted)} documents`;
  if (progress.total === undefined) return `seeding ${namespace}: ${count(progress.inserted)} documents`;
  const percent = progress.total === 0 ? 100 : Math.floor((progress.inserted / progress.total) * 100);
  return `seeding ${namespace}: ${count(progress.inserted)} / ${count(progress.total)} (${percent}%)`;
}

export function terminalProgress(stream: NodeJS.WriteStream): (progress: SeedProgress) => void {
  let drawnAt = 0;
  return (progress) => {
    // A collection's last report is the one whose total is known and reached (see SeedProgress).
    const done = progress.total !== undefined && progress.inserted === progress.total;
    if (!stream.isTTY) {
      if (done) stream.write(`${line(progress, true)}\n`);
      return;
    }
    const now = Date.now();
    if (!done && now - drawnAt < REDRAW_MS) return;
    drawnAt = now;
    stream.write(`\r\x1b[2K${line(progress, done)}${done ? '\n' : ''}`);
  };
}
