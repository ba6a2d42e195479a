/**
 * `db(name).collection(name)`: the App Services collection API of spec 5.3, run either as the
 * system user (straight to the driver, App Services' result shapes) or as an application user
 * (refusals of user context, then rules: reads.ts, writes.ts, inserts.ts, aggregate.ts).
 *
 * Options beyond the documented ones are passed to the driver for the system user (hint, collation
 * …) and ignored for users, except those App Services refuses in user context, which are refused.
 */
import type { ClientSession, Collection, Document, Sort } from 'mongodb';
import { ExplanationRecorder } from '../../rules/explanation';
import { aggregateUnderRules } from './aggregate';
import { runBulkWrite, type BulkOperation } from './bulk-write';
import { driverBatches, ServiceCursor, type CursorModifiers, type DocumentBatches } from './cursor';
import { toCallerShape } from './documents';
import { insertUnderRules } from './inserts';
import { applyProjection } from './projection';
import { countReadable, distinctReadable, readableBatches } from './reads';
import { RulesOperation } from './rules-operation';
import type { ServiceScope } from './scope';
import { checkPipeline, checkUserOptions, checkUserQuery, checkUserUpdate } from './user-context';
import { deleteUnderRules, updateUnderRules, type WriteOutcome } from './writes';
import type { Change } from './after-images';

type Passthrough = { [option: string]: unknown };
export interface SessionOption extends Passthrough {
  session?: ClientSession;
}
export interface FindOptions extends SessionOption, CursorModifiers {}
export interface UpdateOptions extends SessionOption {
  upsert?: boolean;
  arrayFilters?: Document[];
}
export interface FindOneAndUpdateOptions extends UpdateOptions {
  sort?: Sort;
  projection?: Document;
  returnNewDocument?: boolean;
}
export interface FindOneAndDeleteOptions extends SessionOption {
  sort?: Sort;
  projection?: Document;
}
export interface InsertManyOptions extends SessionOption {
  ordered?: boolean;
}
export interface UpdateResult {
  matchedCount: number;
  modifiedCount: number;
  upsertedId?: unknown;
}

export class ServiceCollection {
  constructor(
    private readonly scope: ServiceScope,
    private readonly driver: Collection<Document>,
  ) {}

  get name(): string {
    return this.driver.collectionName;
  }

  private get asUser(): boolean {
    return !this.scope.caller.runAsSystem;
  }

  /**
   * Runs one operation: `check` (the user-context refusals) first, so a refusal rejects the
   * returned promise rather than throwing; rules prepared for users; the explanation handed over
   * at the end.
   */
  private async run<T>(operation: string, check: () => void, body: (op: RulesOperation | undefined) => Promise<T>): Promise<T> {
    const recorder = this.recorder(operation);
    try {
      check();
      const op = this.asUser ? await RulesOperation.prepare(this.scope, this.driver, recorder) : undefined;
      return await body(op);
    } catch (error) {
      recorder?.failed(error);
      throw error;
    } finally {
      if (recorder) this.scope.explain!(recorder.explanation);
    }
  }

  /** Like run, for cursors: the explanation is handed over when reading ends. */
  private stream(
    operation: string,
    check: () => void,
    body: (op: RulesOperation | undefined, modifiers: CursorModifiers) => DocumentBatches,
  ) {
    return async function* (this: ServiceCollection, modifiers: CursorModifiers): DocumentBatches {
      const recorder = this.recorder(operation);
      try {
        check();
        const op = this.asUser ? await RulesOperation.prepare(this.scope, this.driver, recorder) : undefined;
        yield* body(op, modifiers);
      } catch (error) {
        recorder?.failed(error);
        throw error;
      } finally {
        if (recorder) this.scope.explain!(recorder.explanation);
      }
    }.bind(this);
  }

  private recorder(operation: string): ExplanationRecorder | undefined {
    if (!this.scope.explain) return undefined;
    return new ExplanationRecorder({
      operation,
      dataSource: this.scope.dataSource.name,
      namespace: this.driver.namespace,
      runAsSystem: this.scope.caller.runAsSystem,
      userId: this.scope.caller.user.id,
    });
  }

  /** The refusals of user context for an operation's options, query and update. */
  private userChecks(options: object | undefined, query?: unknown, change?: Change): () => void {
    return () => {
      if (!this.asUser) return;
      checkUserOptions(options);
      if (query !== undefined) checkUserQuery(query);
      if (change?.kind === 'update') checkUserUpdate(change.update);
    };
  }

  find(query: Document = {}, projection?: Document, options: FindOptions = {}): ServiceCursor {
    const { session, sort, skip, limit, ...rest } = options;
    const source = this.stream('find', this.userChecks(options, query), (op, modifiers) =>
      op
        ? readableBatches(op, { query, projection, ...modifiers, session })
        : driverBatches(this.driver.find(query, { ...rest, projection, ...modifiers, session })),
    );
    return new ServiceCursor(source, { sort, skip, limit });
  }

  async findOne(query: Document = {}, projection?: Document, options: FindOptions = {}): Promise<Document | null> {
    const cursor = this.find(query, projection, { ...options, limit: 1 });
    const document = await cursor.next();
    await cursor.close();
    return document ?? null;
  }

  findOneAndUpdate(query: Document, update: Document | Document[], options: FindOneAndUpdateOptions = {}): Promise<Document | null> {
    return this.findOneAndChange('findOneAndUpdate', query, { kind: 'update', update }, options);
  }

  findOneAndReplace(query: Document, replacement: Document, options: FindOneAndUpdateOptions = {}): Promise<Document | null> {
    return this.findOneAndChange('findOneAndReplace', query, { kind: 'replace', replacement }, options);
  }

  private findOneAndChange(operation: string, query: Document, change: Change, options: FindOneAndUpdateOptions): Promise<Document | null> {
    const { upsert, sort, projection, returnNewDocument, session, arrayFilters, ...rest } = options;
    const returnDocument = returnNewDocument ? 'after' : 'before';
    return this.run(operation, this.userChecks(options, query, change), async (op) => {
      if (!op || (await op.writableWithoutDocuments('update', upsert))) {
        const filter = op ? op.query(query) : query;
        const shape = { ...(op ? {} : rest), upsert, sort, projection: op ? op.projection(projection) : projection, returnDocument, session, arrayFilters } as const;
        return change.kind === 'update'
          ? this.driver.findOneAndUpdate(filter, change.update, shape)
          : this.driver.findOneAndReplace(filter, change.replacement, shape);
      }
      const outcome = await updateUnderRules(op, { query, change, upsert: upsert ?? false, many: false, sort, arrayFilters, session });
      return this.shownImage(op, returnNewDocument ? outcome.after : outcome.before, projection);
    });
  }

  async findOneAndDelete(query: Document, options: FindOneAndDeleteOptions = {}): Promise<Document | null> {
    const { sort, projection, session, ...rest } = options;
    return this.run('findOneAndDelete', this.userChecks(options, query), async (op) => {
      if (!op || (await op.writableWithoutDocuments('delete'))) {
        const filter = op ? op.query(query) : query;
        return this.driver.findOneAndDelete(filter, { ...(op ? {} : rest), sort, projection: op ? op.projection(projection) : projection, session });
      }
      const outcome = await deleteUnderRules(op, { query, many: false, sort, session });
      return this.shownImage(op, outcome.deleted, projection);
    });
  }

  /** A findOneAnd* image under rules: read rules, then the projection, shaped as the client shapes documents. */
  private async shownImage(op: RulesOperation, image: Document | undefined, projection: Document | undefined): Promise<Document | null> {
    if (!image) return null;
    const visible = await op.readDocument(image);
    return visible ? toCallerShape(applyProjection(visible, op.projection(projection)), this.scope.bsonOptions) : null;
  }

  async insertOne(document: Document, options: SessionOption = {}): Promise<{ insertedId: unknown }> {
    const { session, ...rest } = options;
    return this.run('insertOne', this.userChecks(options), async (op) => {
      if (!op) return { insertedId: (await this.driver.insertOne(document, { ...rest, session })).insertedId };
      const [insertedId] = await insertUnderRules(op, [document], { session });
      return { insertedId };
    });
  }

  async insertMany(documents: Document[], options: InsertManyOptions = {}): Promise<{ insertedIds: unknown[] }> {
    const { session, ordered, ...rest } = options;
    return this.run('insertMany', this.userChecks(options), async (op) => {
      if (!op) {
        const result = await this.driver.insertMany(documents, { ...rest, ordered, session });
        return { insertedIds: documents.map((_, i) => result.insertedIds[i]) };
      }
      return { insertedIds: await insertUnderRules(op, documents, { ordered, session }) };
    });
  }

  updateOne(query: Document, update: Document | Document[], options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.change('updateOne', query, { kind: 'update', update }, false, options);
  }

  updateMany(query: Document, update: Document | Document[], options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.change('updateMany', query, { kind: 'update', update }, true, options);
  }

  replaceOne(query: Document, replacement: Document, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.change('replaceOne', query, { kind: 'replace', replacement }, false, options);
  }

  private change(operation: string, query: Document, change: Change, many: boolean, options: UpdateOptions): Promise<UpdateResult> {
    const { upsert, arrayFilters, session, ...rest } = options;
    return this.run(operation, this.userChecks(options, query, change), async (op) => {
      if (!op || (await op.writableWithoutDocuments('update', upsert))) {
        const filter = op ? op.query(query) : query;
        const driverOptions = { ...(op ? {} : rest), upsert, arrayFilters, session };
        const result =
          change.kind === 'replace'
            ? await this.driver.replaceOne(filter, change.replacement, driverOptions)
            : many
              ? await this.driver.updateMany(filter, change.update, driverOptions)
              : await this.driver.updateOne(filter, change.update, driverOptions);
        return updateResult({ matchedCount: result.matchedCount, modifiedCount: result.modifiedCount, upsertedId: result.upsertedId ?? undefined });
      }
      return updateResult(await updateUnderRules(op, { query, change, upsert: upsert ?? false, many, arrayFilters, session }));
    });
  }

  deleteOne(query: Document, options: SessionOption = {}): Promise<{ deletedCount: number }> {
    return this.remove('deleteOne', query, false, options);
  }

  deleteMany(query: Document, options: SessionOption = {}): Promise<{ deletedCount: number }> {
    return this.remove('deleteMany', query, true, options);
  }

  private remove(operation: string, query: Document, many: boolean, options: SessionOption): Promise<{ deletedCount: number }> {
    const { session, ...rest } = options;
    return this.run(operation, this.userChecks(options, query), async (op) => {
      if (!op || (await op.writableWithoutDocuments('delete'))) {
        const filter = op ? op.query(query) : query;
        const driverOptions = { ...(op ? {} : rest), session };
        const result = many ? await this.driver.deleteMany(filter, driverOptions) : await this.driver.deleteOne(filter, driverOptions);
        return { deletedCount: result.deletedCount };
      }
      return { deletedCount: (await deleteUnderRules(op, { query, many, session })).deletedCount };
    });
  }

  aggregate(pipeline: Document[], options: SessionOption = {}): ServiceCursor {
    const { session, ...rest } = options;
    const checks = () => {
      this.userChecks(options)();
      checkPipeline(pipeline, this.scope.caller.runAsSystem);
    };
    const source = this.stream('aggregate', checks, (op, modifiers) => {
      const stages = [...pipeline, ...modifierStages(modifiers)];
      return op ? aggregateUnderRules(op, stages, { session }) : driverBatches(this.driver.aggregate(stages, { ...rest, session }));
    });
    return new ServiceCursor(source);
  }

  count(query: Document = {}, options: SessionOption = {}): Promise<number> {
    const { session, ...rest } = options;
    return this.run('count', this.userChecks(options, query), (op) => (op ? countReadable(op, query, session) : this.driver.countDocuments(query, { ...rest, session })));
  }

  distinct(field: string, query: Document = {}, options: SessionOption = {}): Promise<unknown[]> {
    const { session, ...rest } = options;
    return this.run('distinct', this.userChecks(options, query), (op) =>
      op ? distinctReadable(op, field, query, session) : this.driver.distinct(field, query, { ...rest, session }),
    );
  }

  /** Resolves null, as App Services' bulkWrite does. */
  async bulkWrite(operations: BulkOperation[], options: InsertManyOptions = {}): Promise<null> {
    this.userChecks(options)();
    if (!this.asUser) {
      const { session, ordered, ...rest } = options;
      await this.driver.bulkWrite(operations as Parameters<Collection<Document>['bulkWrite']>[0], { ...rest, ordered, session });
      return null;
    }
    await runBulkWrite(this, operations, options);
    return null;
  }
}

function updateResult(outcome: WriteOutcome): UpdateResult {
  const result: UpdateResult = { matchedCount: outcome.matchedCount, modifiedCount: outcome.modifiedCount };
  if (outcome.upsertedId !== undefined) result.upsertedId = outcome.upsertedId;
  return result;
}

/** Cursor modifiers on an aggregation cursor become stages at the end of the pipeline. */
function modifierStages({ sort, skip, limit }: CursorModifiers): Document[] {
  const stages: Document[] = [];
  if (sort) stages.push({ $sort: sort });
  if (skip) stages.push({ $skip: skip });
  if (limit) stages.push({ $limit: Math.abs(limit) });
  return stages;
}
