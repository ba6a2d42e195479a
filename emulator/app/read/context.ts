/**
 * What every reader shares: the app directory, the problem log, and file access that turns every
 * failure (unreadable file, bad JSON, unresolved template, schema violation) into a problem
 * instead of an exception, so one broken file never hides the problems of the others.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { findJsonSyntaxError } from '../json/syntax';
import { describeIssues } from '../json/schema-errors';
import type { TemplateResolver } from '../json/templates';
import { jsonPath, type ProblemLog } from '../problems';

export interface DirectoryEntry {
  name: string;
  kind: 'file' | 'directory';
}

export interface ReadOptions {
  /** Expand environment templates (default true once the environment is known). */
  templates?: boolean;
  /** Files the emulator does not serve only warn when they are not JSON. */
  invalidJsonSeverity?: 'error' | 'warning';
}

export class LoadContext {
  /** Set once the active environment is known; files read before that are not templated. */
  templates?: TemplateResolver;

  constructor(
    readonly directory: string,
    readonly problems: ProblemLog,
  ) {}

  private absolute(relative: string): string {
    return path.join(this.directory, ...relative.split('/'));
  }

  async kindOf(relative: string): Promise<'file' | 'directory' | undefined> {
    try {
      const stats = await fs.stat(this.absolute(relative));
      return stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  }

  async isFile(relative: string): Promise<boolean> {
    return (await this.kindOf(relative)) === 'file';
  }

  async isDirectory(relative: string): Promise<boolean> {
    return (await this.kindOf(relative)) === 'directory';
  }

  /** Entries of a directory, sorted by name, without hidden files (.DS_Store, .git…); [] if absent. */
  async list(relative: string): Promise<DirectoryEntry[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.absolute(relative));
    } catch {
      return [];
    }
    const entries: DirectoryEntry[] = [];
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      const kind = await this.kindOf(`${relative}/${name}`);
      if (kind) entries.push({ name, kind });
    }
    return entries;
  }

  async readText(relative: string): Promise<string | undefined> {
    try {
      return await fs.readFile(this.absolute(relative), 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'EISDIR' ? 'it is a directory, not a file' : (error as Error).message;
      this.problems.error('UnreadableFile', `cannot read the file: ${reason}`, { file: relative });
      return undefined;
    }
  }

  /**
   * Reads a JSON file; templates are expanded unless `templates: false`. Returns undefined, with a
   * problem logged, when the file cannot be read or is not JSON.
   */
  async readJson(relative: string, options: ReadOptions = {}): Promise<unknown> {
    const text = await this.readText(relative);
    if (text === undefined) return undefined;
    const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    let value: unknown;
    try {
      value = JSON.parse(withoutBom);
    } catch (error) {
      const located = findJsonSyntaxError(withoutBom);
      const message = located?.message ?? (error as Error).message;
      this.problems.add({
        severity: options.invalidJsonSeverity ?? 'error',
        code: 'InvalidJson',
        file: relative,
        ...(located ? { line: located.line, column: located.column } : {}),
        message: `invalid JSON: ${message}`,
      });
      return undefined;
    }
    if (options.templates === false || !this.templates) return value;
    return this.templates.resolve(value, (failure) =>
      this.problems.error('UnresolvedTemplate', failure.message, { file: relative, path: jsonPath(failure.path) }),
    );
  }

  /**
   * Validates a value read from `file` (or a part of it found at `at`); every violation becomes a
   * SchemaViolation error. Returns the parsed value, or undefined when it does not fit.
   */
  parse<Schema extends z.ZodType>(schema: Schema, value: unknown, file: string, at: PropertyKey[] = []): z.output<Schema> | undefined {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    for (const issue of describeIssues(result.error.issues)) {
      this.problems.error('SchemaViolation', issue.message, { file, path: jsonPath([...at, ...issue.path]) });
    }
    return undefined;
  }

  /** readJson then parse. */
  async readAndParse<Schema extends z.ZodType>(schema: Schema, relative: string, options: ReadOptions = {}): Promise<z.output<Schema> | undefined> {
    const value = await this.readJson(relative, options);
    return value === undefined ? undefined : this.parse(schema, value, relative);
  }
}
