/**
 * Watches an app directory for `serve --watch`: every change (a saved file, a new function, a
 * deleted rule) is reported once the directory has been quiet for a moment, so saving several
 * files, or an editor's write-to-temp-then-rename, makes one reload.
 *
 * Each directory gets its own non-recursive `fs.watch`, rather than one recursive watch, to choose
 * what is watched: version control metadata and editors' swap and backup files are ignored, and a
 * `node_modules` folder is watched at its top only. Functions do `require` from
 * functions/node_modules, so installing, removing or upgrading a package must reload; npm rewrites
 * `node_modules/.package-lock.json` on every install, so its top level says so without thousands
 * of watches on the packages' own files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface AppWatcher {
  close(): void;
}

export interface WatchOptions {
  /** Called once the directory has been quiet for `debounceMs`, with the changed paths (relative, `/`-separated). */
  onChange(changed: string[]): void;
  /** A directory that cannot be watched (the system's limit on watches reached …). */
  onError?(error: Error): void;
  /** Quiet time before a change is reported; 150 ms by default. */
  debounceMs?: number;
  /** A stream of changes that never pauses is still reported this often; 2 s by default. */
  maxWaitMs?: number;
}

/** Not part of the app: version control, and what editors write beside the files they edit. */
const IGNORED_DIRECTORIES = new Set(['.git', '.hg', '.svn']);
const IGNORED_FILES = [/~$/, /\.sw[a-p]x?$/, /^\.#/, /^4913$/, /^\.DS_Store$/];

function ignored(name: string): boolean {
  return IGNORED_DIRECTORIES.has(name) || IGNORED_FILES.some((pattern) => pattern.test(name));
}

export function watchAppDirectory(directory: string, options: WatchOptions): AppWatcher {
  const root = path.resolve(directory);
  const debounceMs = options.debounceMs ?? 150;
  const maxWaitMs = options.maxWaitMs ?? 2000;
  /** Watched directories, with the inode watched: a directory deleted and made again needs a new watch. */
  const watchers = new Map<string, { watcher: fs.FSWatcher; inode: number }>();
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let firstChangeAt = 0;
  let closed = false;

  const report = () => {
    timer = undefined;
    if (closed) return;
    // Directories made or removed since the last report get (or lose) their watch before anyone reloads.
    synchronize();
    const paths = [...changed].sort();
    changed.clear();
    options.onChange(paths);
  };

  const noteChange = (relative: string) => {
    if (closed) return;
    if (changed.size === 0) firstChangeAt = Date.now();
    changed.add(relative);
    if (timer) clearTimeout(timer);
    const wait = Math.min(debounceMs, Math.max(0, firstChangeAt + maxWaitMs - Date.now()));
    timer = setTimeout(report, wait);
  };

  const watch = (absolute: string, inode: number) => {
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(absolute, { persistent: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') options.onError?.(error as Error);
      return;
    }
    const relativeDirectory = path.relative(root, absolute);
    watcher.on('change', (_event, filename) => {
      const name = filename === null ? '' : filename.toString();
      if (name !== '' && ignored(name)) return;
      noteChange(path.join(relativeDirectory, name).split(path.sep).join('/') || '.');
    });
    watcher.on('error', () => {
      // The directory is gone (or unreadable): forget it; the next report re-reads the tree.
      watcher.close();
      if (watchers.get(absolute)?.watcher === watcher) watchers.delete(absolute);
      noteChange(relativeDirectory.split(path.sep).join('/') || '.');
    });
    watchers.set(absolute, { watcher, inode });
  };

  /** Watches every directory of the tree now, and stops watching those that are gone. */
  const synchronize = () => {
    const present = new Set<string>();
    const walk = (absolute: string, descend: boolean) => {
      let inode: number;
      try {
        inode = fs.statSync(absolute).ino;
      } catch {
        return;
      }
      present.add(absolute);
      const known = watchers.get(absolute);
      if (known?.inode !== inode) {
        known?.watcher.close();
        watchers.delete(absolute);
        watch(absolute, inode);
      }
      if (!descend) return;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(absolute, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (!entry.isDirectory() || ignored(entry.name)) continue;
        walk(path.join(absolute, entry.name), entry.name !== 'node_modules');
      }
    };
    walk(root, true);
    for (const [absolute, { watcher }] of watchers) {
      if (present.has(absolute)) continue;
      watcher.close();
      watchers.delete(absolute);
    }
  };

  synchronize();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const { watcher } of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
