/** The shape every operation family fills in: what it runs on, how it runs, how its result is read. */
import type { MongoClient } from 'mongodb';
import type { EntityKind, EntityMap } from '../entities';
import type { Args } from './arguments';

export interface FailPointRecord {
  client: MongoClient;
  name: string;
}

export interface OperationContext {
  entities: EntityMap;
  /** Fail points configured by the test, turned off when it ends. */
  failPoints: FailPointRecord[];
  /** The internal client (initialData, outcome, testRunner assertions). */
  internal: MongoClient;
}

export interface OperationDefinition {
  /** Entity kinds the operation is defined on; 'testRunner' for the format's special operations. */
  on: readonly (EntityKind | 'testRunner')[];
  /**
   * The result is an iterable of documents the server returned (find, aggregate, list*): each
   * element of an expected array is then matched as a root-level document.
   */
  returnsDocuments?: boolean;
  /** What `saveResultAsEntity` stores the result as; a plain value unless said otherwise. */
  saves?: EntityKind;
  run(target: unknown, args: Args, context: OperationContext): Promise<unknown>;
}

export type OperationTable = Record<string, OperationDefinition>;
