/**
 * Why an operation saw or changed what it did: which rules governed the namespace, which filters
 * applied, which role each document got, which fields were withheld, which writes were denied and
 * why, and which expressions failed (and so counted as false). Built only when a caller asks for
 * it (the harness's explain()), so an unexplained request pays nothing.
 */
import type { FilterDecision } from './filters';

export type DocumentOutcome =
  | 'read'
  | 'read-partially'
  | 'omitted'
  | 'inserted'
  | 'updated'
  | 'unchanged'
  | 'deleted'
  | 'denied';

export interface DocumentDecision {
  /** The document's `_id` (absent for a document that was never stored). */
  id?: unknown;
  /** The role the document got, or null when none applied. */
  role: string | null;
  outcome: DocumentOutcome;
  /** Dotted paths of the fields withheld from a partially readable document. */
  withheld?: string[];
  reason?: string;
}

export interface RulesExplanation {
  operation: string;
  dataSource: string;
  namespace: string;
  /** System callers bypass rules entirely. */
  runAsSystem: boolean;
  userId: string;
  /** Where the roles came from: the collection's rules.json or the data source's default rule. */
  rules?: { source: 'collection' | 'default'; file: string };
  filters: FilterDecision[];
  /**
   * How roles were chosen: once for the whole request (`role` names it), per document, not at all
   * because no role can apply (`none`), or not at all because the caller is the system user.
   */
  roleChoice: 'request' | 'document' | 'none' | 'system';
  role?: string;
  documents: DocumentDecision[];
  /** Expressions that failed and were taken as false (a missing or throwing %function …). */
  failures: string[];
  /** How the operation was carried out (pushed down to the database, filtered per document …). */
  notes: string[];
  /** Set when the operation failed. */
  error?: { message: string; code?: string };
}

export class ExplanationRecorder {
  readonly explanation: RulesExplanation;

  constructor(init: Pick<RulesExplanation, 'operation' | 'dataSource' | 'namespace' | 'runAsSystem' | 'userId'>) {
    this.explanation = {
      ...init,
      filters: [],
      roleChoice: init.runAsSystem ? 'system' : 'none',
      documents: [],
      failures: [],
      notes: [],
    };
  }

  document(decision: DocumentDecision): void {
    this.explanation.documents.push(decision);
  }

  note(text: string): void {
    this.explanation.notes.push(text);
  }

  failure(reason: string): void {
    this.explanation.failures.push(reason);
  }

  failed(error: unknown): void {
    const { message, errorCode, codeName } = error as { message?: string; errorCode?: string; codeName?: string };
    this.explanation.error = { message: message ?? String(error), code: errorCode ?? codeName };
  }
}
