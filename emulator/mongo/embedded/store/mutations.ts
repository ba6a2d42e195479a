/**
 * The store's mutations, as a durability layer sees them. Every change to the engine's state goes
 * through one of these, reported by the engine or the collection just before it is applied (after
 * every check that can refuse it), so an observer that throws leaves the state unchanged.
 *
 * Collections under construction (a `$out` replacement, a rename target) are not attached to the
 * engine and report nothing: they are reported whole when they take their place.
 */
import type { Document } from '../values/forms';
import type { Collection } from './collection';
import type { IndexSpec } from './indexes';

export type Mutation =
  | { kind: 'insert'; collection: Collection; document: Document }
  | { kind: 'replace'; collection: Collection; current: Document; next: Document }
  | { kind: 'delete'; collection: Collection; document: Document }
  | { kind: 'createIndex'; collection: Collection; spec: IndexSpec }
  | { kind: 'dropIndex'; collection: Collection; spec: IndexSpec }
  | { kind: 'createCollection'; collection: Collection }
  | { kind: 'dropCollection'; collection: Collection }
  | { kind: 'dropDatabase'; database: string; collections: Collection[] }
  | { kind: 'renameCollection'; source: Collection; target: Collection; droppedTarget?: Collection }
  | { kind: 'replaceCollection'; replacement: Collection; previous?: Collection };

export interface MutationObserver {
  /** Called before the mutation is applied; throwing refuses it. */
  record(mutation: Mutation): void;
}
