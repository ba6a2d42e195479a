/**
 * The commands' log on stderr (stdout is for what a command prints on purpose: URLs, the summary,
 * reloads). `--log-format json` writes pino's JSON lines for machines; the default, `pretty`,
 * writes one readable line per record:
 *
 *   12:00:01 INFO  POST /app/x/endpoint/data/v1/action/findOne 200 4.1 ms user=65a1…
 *   12:00:01 DEBUG rules: findOne sample_training.routes as 65a1…: role readAll; 1 read
 *
 * The pretty form is a small destination stream over pino's JSON lines rather than pino-pretty,
 * which would run in a worker thread of its own.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export type LogFormat = 'pretty' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['pretty', 'json'];

export function createLogger(level: string, format: LogFormat): Logger {
  const stderr = pino.destination({ dest: 2, sync: true });
  if (format === 'json') return pino({ level }, stderr);
  const color = Boolean(process.stderr.isTTY) && process.env.NO_COLOR === undefined;
  return pino({ level }, prettyStream(stderr, color));
}

function prettyStream(out: DestinationStream, color: boolean): DestinationStream {
  return {
    write(line: string) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      out.write(formatLogRecord(record, color));
    },
  };
}

const LEVELS: Record<number, { label: string; color: string }> = {
  10: { label: 'TRACE', color: '90' },
  20: { label: 'DEBUG', color: '90' },
  30: { label: 'INFO', color: '32' },
  40: { label: 'WARN', color: '33' },
  50: { label: 'ERROR', color: '31' },
  60: { label: 'FATAL', color: '31' },
};

/** Fields a pretty line leaves out: pino's own, shown otherwise. */
const SHOWN_OTHERWISE = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'err', 'logs']);
/** The request log's fields (http/request-log.ts), which its messages already say. */
const REQUEST_FIELDS = new Set(['requestId', 'method', 'route', 'status', 'durationMs', 'user', 'errorCode', 'rules', 'function']);

/** One record as a readable line (and, for a function's output or an error's stack, the lines that follow it). */
export function formatLogRecord(record: Record<string, unknown>, color = false): string {
  const level = LEVELS[record.level as number] ?? { label: String(record.level), color: '0' };
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const time = typeof record.time === 'number' ? clock(new Date(record.time)) : '';
  const fromRequestLog = typeof record.requestId === 'string';
  let line = `${time} ${paint(level.color, level.label.padEnd(5))} ${typeof record.msg === 'string' ? record.msg : ''}`;
  for (const [key, value] of Object.entries(record)) {
    if (SHOWN_OTHERWISE.has(key) || value === undefined || (fromRequestLog && REQUEST_FIELDS.has(key))) continue;
    line += ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
  }
  const err = record.err as { message?: string; stack?: string } | undefined;
  if (err?.message) line += `: ${err.message}`;
  const following: string[] = [];
  if (Array.isArray(record.logs)) following.push(...record.logs.map((entry) => `    ${String(entry)}`));
  if (err?.stack && (record.level as number) >= 50) following.push(...err.stack.split('\n').slice(1).map((frame) => `  ${frame.trim()}`));
  return `${[line, ...following].join('\n')}\n`;
}

function clock(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
