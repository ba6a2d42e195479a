/**
 * The one error seeding throws. Its message names what was asked for and, for files, the file and
 * the place in it (line, element or byte offset), so a bad --seed is fixed without a debugger.
 */
export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

/** The message of anything thrown, for wrapping a lower-level error into a SeedError. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
