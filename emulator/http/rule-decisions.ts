/**
 * A request's rule decisions as the debug log shows them: the rules engine's explanation
 * (rules/explanation.ts) of one operation, folded into counts so that a `find` over ten thousand
 * documents is one line, not ten thousand. Reads and writes made by functions in their worker
 * threads are not explained here: their service lives in the worker.
 */
import type { DocumentOutcome, RulesExplanation } from '../rules/explanation';

export interface RuleDecision {
  operation: string;
  dataSource: string;
  namespace: string;
  /** The user id, or `system` (rules bypassed). */
  user: string;
  /** Where the roles came from: the collection's rules or the data source's default rule. */
  rules?: RulesExplanation['rules'];
  filters: Array<{ name: string; applied: boolean }>;
  roleChoice: RulesExplanation['roleChoice'];
  /** The role of the whole request (roleChoice `request`). */
  role?: string;
  /** Documents per role, when roles were chosen per document. */
  roles?: Record<string, number>;
  /** Documents per outcome: read, omitted, read-partially, inserted, denied … */
  outcomes: Partial<Record<DocumentOutcome, number>>;
  /** Every field withheld from some document. */
  withheld?: string[];
  /** Why writes were denied (distinct reasons). */
  denied?: string[];
  /** Expressions that failed and counted as false. */
  failures?: string[];
  /** How the operation was carried out: pushed down to the database, judged per document, not run … */
  notes?: string[];
  error?: RulesExplanation['error'];
}

export function summarizeRuleDecision(explanation: RulesExplanation): RuleDecision {
  const outcomes: RuleDecision['outcomes'] = {};
  const roles: Record<string, number> = {};
  const withheld = new Set<string>();
  const denied = new Set<string>();
  for (const document of explanation.documents) {
    outcomes[document.outcome] = (outcomes[document.outcome] ?? 0) + 1;
    const role = document.role ?? '(no role)';
    roles[role] = (roles[role] ?? 0) + 1;
    for (const field of document.withheld ?? []) withheld.add(field);
    if (document.outcome === 'denied' && document.reason) denied.add(document.reason);
  }
  return {
    operation: explanation.operation,
    dataSource: explanation.dataSource,
    namespace: explanation.namespace,
    user: explanation.runAsSystem ? 'system' : explanation.userId,
    ...(explanation.rules ? { rules: explanation.rules } : {}),
    filters: explanation.filters.map(({ name, applied }) => ({ name, applied })),
    roleChoice: explanation.roleChoice,
    ...(explanation.role === undefined ? {} : { role: explanation.role }),
    ...(explanation.roleChoice === 'document' ? { roles } : {}),
    outcomes,
    ...(withheld.size > 0 ? { withheld: [...withheld] } : {}),
    ...(denied.size > 0 ? { denied: [...denied] } : {}),
    ...(explanation.failures.length > 0 ? { failures: explanation.failures } : {}),
    ...(explanation.notes.length > 0 ? { notes: explanation.notes } : {}),
    ...(explanation.error ? { error: explanation.error } : {}),
  };
}

/** One readable line: `rules: find sample_training.routes as 65a1…: role readAll; 10 read; <how it ran>`. */
export function describeRuleDecision(decision: RuleDecision): string {
  const head = `rules: ${decision.operation} ${decision.namespace} as ${decision.user}`;
  if (decision.roleChoice === 'system') return `${head}: system user, rules bypassed${outcomeText(decision)}`;
  const parts: string[] = [];
  switch (decision.roleChoice) {
    case 'request':
      parts.push(`role ${decision.role ?? '?'}`);
      break;
    case 'document':
      parts.push(`roles per document (${Object.entries(decision.roles ?? {}).map(([role, count]) => `${role} ×${count}`).join(', ') || 'no documents'})`);
      break;
    case 'none':
      parts.push('no role applies');
      break;
  }
  if (decision.rules?.source === 'default') parts.push("the data source's default rule");
  if (decision.filters.length > 0) {
    parts.push(`filters ${decision.filters.map((filter) => `${filter.name} ${filter.applied ? 'applied' : 'not applied'}`).join(', ')}`);
  }
  const outcomes = Object.entries(decision.outcomes).map(([outcome, count]) => `${count} ${outcome}`);
  if (outcomes.length > 0) parts.push(outcomes.join(', '));
  if (decision.withheld) parts.push(`withheld ${decision.withheld.join(', ')}`);
  if (decision.denied) parts.push(`denied: ${decision.denied.join('; ')}`);
  if (decision.failures) parts.push(`failed expressions (taken as false): ${decision.failures.join('; ')}`);
  if (decision.error) parts.push(`error: ${decision.error.message}`);
  if (decision.notes) parts.push(...decision.notes);
  return `${head}: ${parts.join('; ')}`;
}

function outcomeText(decision: RuleDecision): string {
  const outcomes = Object.entries(decision.outcomes).map(([outcome, count]) => `${count} ${outcome}`);
  return outcomes.length > 0 ? `; ${outcomes.join(', ')}` : '';
}
