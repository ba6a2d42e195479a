/**
 * One operation under rules: the namespace's rules, the filters that apply to this request, the
 * role plan, and the per-document read decision every read path shares. What can be decided once
 * per request is decided here, once; the rest per document.
 */
import type { Collection, Document } from 'mongodb';
import { withImages, type ExpressionContext } from '../../rules/context';
import { then, type MaybePromise } from '../../rules/evaluation';
import type { DocumentDecision, ExplanationRecorder } from '../../rules/explanation';
import { applyFilters, mergeProjections, mergeQuery, type AppliedFilters } from '../../rules/filters';
import { documentReadAccess, readContext, withholdFields, type ReadAccess } from '../../rules/read-access';
import { chooseRole, planRoles, rulesForNamespace, type CompiledRole, type NamespaceRules, type RolePlan } from '../../rules/roles';
import type { RuleCheck } from '../../rules/expressions';
import { toCallerShape } from './documents';
import type { WriteKind } from './errors';
import type { ServiceScope } from './scope';

const NO_ROLE: ReadAccess = { kind: 'none', reason: 'no role applies' };

export class RulesOperation {
  private constructor(
    readonly scope: ServiceScope,
    readonly collection: Collection<Document>,
    readonly rules: NamespaceRules,
    readonly context: ExpressionContext,
    readonly filters: AppliedFilters,
    readonly plan: RolePlan,
    readonly recorder: ExplanationRecorder | undefined,
  ) {}

  static async prepare(
    scope: ServiceScope,
    collection: Collection<Document>,
    recorder: ExplanationRecorder | undefined,
  ): Promise<RulesOperation> {
    const rules = rulesForNamespace(scope.dataSource, collection.dbName, collection.collectionName);
    const context = scope.context(recorder);
    const filters = await applyFilters(rules.filters, context);
    const plan = await planRoles(rules.roles, context);
    if (recorder) {
      const explanation = recorder.explanation;
      explanation.rules = { source: rules.source, file: rules.file };
      explanation.filters = filters.decisions;
      explanation.roleChoice = plan.kind;
      if (plan.kind === 'request') explanation.role = plan.role.name;
    }
    return new RulesOperation(scope, collection, rules, context, filters, plan, recorder);
  }

  /** Adds a document's decision to the explanation, its `_id` shaped as the caller sees ids. */
  record(decision: DocumentDecision): void {
    if (!this.recorder) return;
    this.recorder.document(decision.id === undefined ? decision : { ...decision, id: toCallerShape(decision.id, this.scope.bsonOptions) });
  }

  /** The caller's query ANDed with the applying filters' queries. */
  query(query?: Document): Document {
    return mergeQuery(query, this.filters.queries);
  }

  /** The caller's projection merged with the applying filters' projections. */
  projection(projection?: Document): Document | undefined {
    return mergeProjections(projection && Object.keys(projection).length > 0 ? projection : undefined, this.filters.projection);
  }

  /**
   * Read access that holds for every document alike, when the role is chosen per request and no
   * read rule reads the document; undefined when it must be decided per document.
   */
  async requestReadAccess(): Promise<ReadAccess | undefined> {
    if (this.plan.kind === 'none') return NO_ROLE;
    if (this.plan.kind === 'request' && !this.plan.role.readDependsOnDocument) {
      return documentReadAccess(this.plan.role, this.context);
    }
    return undefined;
  }

  /**
   * `shown` (the stored document, or its projection) as the caller may see it, judged on `full`
   * (the whole stored document); undefined when the document is not readable.
   */
  readDocument(full: Document, shown: Document = full): MaybePromise<Document | undefined> {
    const context = readContext(this.context, full);
    return then(chooseRole(this.plan, context), (role) => {
      if (!role) {
        this.record({ id: full._id, role: null, outcome: 'omitted', reason: 'no role applies' });
        return undefined;
      }
      return then(documentReadAccess(role, context), (access) => this.applyAccess(role, access, full, shown, context));
    });
  }

  /** Like readDocument for documents whose access was decided per request (field level only). */
  withholdFields(role: CompiledRole, full: Document, shown: Document = full): MaybePromise<Document> {
    return then(
      this.applyAccess(role, { kind: 'fields' }, full, shown, readContext(this.context, full)),
      (document) => document ?? {},
    );
  }

  private applyAccess(
    role: CompiledRole,
    access: ReadAccess,
    full: Document,
    shown: Document,
    context: ExpressionContext,
  ): MaybePromise<Document | undefined> {
    if (access.kind === 'none') {
      this.record({ id: full._id, role: role.name, outcome: 'omitted', reason: access.reason });
      return undefined;
    }
    if (access.kind === 'all') {
      this.record({ id: full._id, role: role.name, outcome: 'read' });
      return shown;
    }
    const withheld: string[] = [];
    return then(withholdFields(shown, role, context, withheld), (visible) => {
      this.record({ id: full._id, role: role.name, outcome: withheld.length ? 'read-partially' : 'read', withheld });
      return visible;
    });
  }

  /**
   * Whether every document may be written whatever it holds: the role is chosen per request and
   * its write-side rules (document_filters.write, write, and insert or delete as the operation
   * needs) read nothing of the document and all hold. Then the operation can go to the database
   * as it is, with the filters' queries added.
   */
  async writableWithoutDocuments(kind: WriteKind, upsert = false): Promise<boolean> {
    if (this.plan.kind !== 'request') return false;
    const role = this.plan.role;
    if (role.write === undefined) return false;
    const checks: (RuleCheck | undefined)[] = [role.documentFilters?.write, role.write];
    if (kind === 'insert' || upsert) checks.push(role.insert);
    if (kind === 'delete') checks.push(role.delete);
    const present = checks.filter((check): check is RuleCheck => check !== undefined);
    if (present.some((check) => check.readsDocument)) return false;
    for (const check of present) if (!(await check(this.context))) return false;
    this.recorder?.note(`every document may be ${kind === 'insert' ? 'inserted' : `${kind}d`} by role "${role.name}": sent to the database as one operation`);
    return true;
  }

  /** The role a stored or new document gets (`%%root` is that document). */
  roleFor(document: Document, prevRoot?: Document): MaybePromise<CompiledRole | undefined> {
    return chooseRole(this.plan, withImages(this.context, { root: document, prevRoot }));
  }
}
