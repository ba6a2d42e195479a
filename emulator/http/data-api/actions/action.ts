/**
 * One Data API action: the fields its body has (beyond dataSource, database and collection) and
 * what it does with the collection. Each action is a file of this folder; index.ts lists them.
 * Actions run on the rules-aware mongodb service, never on the driver (ARCHITECTURE.md).
 */
import { z } from 'zod';
import type { ServiceCollection } from '../../../services/mongodb';
import { namespace, validateBody } from '../validation';

export interface Namespace {
  dataSource: string;
  database: string;
  collection: string;
}

/** A validated request: where it runs, and the operation to run there. */
export interface ActionRequest {
  namespace: Namespace;
  run(collection: ServiceCollection): Promise<unknown>;
}

export interface DataApiAction {
  readonly name: string;
  /** Checks a parsed body; throws 400 MissingParameter / InvalidParameter naming the field. */
  validate(body: Record<string, unknown>): ActionRequest;
}

type NamespaceShape = typeof namespace;

export function defineAction<Shape extends z.ZodRawShape>(
  name: string,
  fields: Shape,
  run: (collection: ServiceCollection, input: z.output<z.ZodObject<NamespaceShape & Shape>>) => Promise<unknown>,
): DataApiAction {
  const schema = z.object({ ...namespace, ...fields }) as unknown as z.ZodObject<NamespaceShape & Shape>;
  return {
    name,
    validate(body) {
      const input = validateBody(schema, body, name);
      return { namespace: input as Namespace, run: (collection) => run(collection, input) };
    },
  };
}
