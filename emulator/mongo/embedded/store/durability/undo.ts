/**
 * How to take back a mutation that could not be made durable. The journal keeps one of these per
 * mutation until its frame is on disk; when a write or fsync fails it runs them, newest first
 * (with itself muted), so the engine returns to exactly what the disk holds.
 *
 * Run in reverse order, each one finds the state its mutation left, so none can fail on a key
 * conflict. A deleted document that comes back is placed last in natural order: order is the only
 * thing an undo does not restore.
 */
import type { Engine } from '../engine';
import type { Mutation } from '../mutations';

export type Undo = () => void;

export function undoOf(engine: Engine, mutation: Mutation): Undo {
  switch (mutation.kind) {
    case 'insert':
      return () => mutation.collection.delete(mutation.document);
    case 'replace':
      return () => mutation.collection.replace(mutation.next, mutation.current);
    case 'delete':
      return () => mutation.collection.insert(mutation.document);
    case 'createIndex':
      return () => mutation.collection.dropIndex(mutation.spec.name);
    case 'dropIndex':
      return () => mutation.collection.createIndex(mutation.spec);
    case 'createCollection':
      return () => engine.dropCollection(mutation.collection.database, mutation.collection.name);
    case 'dropCollection':
      return () => engine.replaceCollection(mutation.collection);
    case 'dropDatabase':
      return () => {
        for (const collection of mutation.collections) engine.replaceCollection(collection);
      };
    case 'renameCollection':
      return () => {
        engine.dropCollection(mutation.target.database, mutation.target.name);
        engine.replaceCollection(mutation.source);
        if (mutation.droppedTarget) engine.replaceCollection(mutation.droppedTarget);
      };
    case 'replaceCollection':
      return () => {
        const { replacement, previous } = mutation;
        if (previous) engine.replaceCollection(previous);
        else engine.dropCollection(replacement.database, replacement.name);
      };
  }
}
