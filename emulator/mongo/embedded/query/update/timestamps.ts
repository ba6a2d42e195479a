/**
 * BSON Timestamps the server hands out (`$currentDate: {$type: "timestamp"}`, and the empty
 * Timestamp(0, 0) a replacement document gets filled in with): seconds since the epoch and a
 * counter that keeps them strictly increasing within a second, like mongod's logical clock.
 */
import { Timestamp } from 'bson';

let lastSeconds = 0;
let increment = 0;

export function nextTimestamp(): Timestamp {
  const seconds = Math.floor(Date.now() / 1000);
  if (seconds > lastSeconds) {
    lastSeconds = seconds;
    increment = 1;
  } else {
    increment++;
  }
  return new Timestamp({ t: lastSeconds, i: increment });
}

export function isEmptyTimestamp(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || (value as { _bsontype?: string })._bsontype !== 'Timestamp') return false;
  const timestamp = value as Timestamp;
  return timestamp.high === 0 && timestamp.low === 0;
}
