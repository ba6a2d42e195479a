/**
 * Extended JSON text → BSON values with exact types, for everything that reads EJSON a user wrote:
 * seed files (mongoexport) and Data API request bodies.
 *
 * Canonical and relaxed EJSON are both parsed by the driver's EJSON in canonical mode, so
 * `{"$numberDouble": "1.0"}` stays a double and `{"$numberLong": "5"}` a long. Relaxed EJSON writes a
 * double as a plain number such as `1.0`, which JSON.parse cannot tell from `1`; as mongoimport
 * does (and as App Services reads EJSON bodies: "a number with a decimal point becomes Double"), a
 * number written with a fraction or an exponent is marked a double before parsing, and integers
 * stay Int32 (or Int64 when they do not fit).
 */
import { EJSON } from 'bson';

/** A JSON string, or a number written with a fraction or an exponent. */
const STRING_OR_DECIMAL_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+)/g;

function markDoubles(text: string): string {
  return text.replace(STRING_OR_DECIMAL_NUMBER, (token) => (token.charCodeAt(0) === 34 ? token : `{"$numberDouble":"${token}"}`));
}

/** Parses Extended JSON text with exact number types; throws the parser's error for malformed text. */
export function parseExtendedJson(text: string): unknown {
  return EJSON.parse(markDoubles(text), { relaxed: false });
}
