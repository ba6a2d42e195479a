/**
 * The rules engine: the expression language, role choice, filters, and the read and write
 * permission flowcharts of App Services (spec section 2). services/mongodb applies it; nothing
 * else needs more than this surface.
 */
export { requestContext, userExpansion, type ExpressionContext, type RuleFunctionCall, type RuleFunctionHook } from './context';
export { compileRule, compileTemplate, RuleExpressionError, type RuleCheck } from './expressions';
export { applyFilters, mergeProjections, mergeQuery, type AppliedFilters, type FilterDecision } from './filters';
export {
  checkDataSourceRules,
  chooseRole,
  planRoles,
  rulesForNamespace,
  type CompiledRole,
  type NamespaceRules,
  type RolePlan,
} from './roles';
export { documentReadAccess, readContext, withholdFields, type ReadAccess } from './read-access';
export { deleteDecision, insertDecision, updateDecision, type WriteDecision } from './write-access';
export { ExplanationRecorder, type DocumentDecision, type DocumentOutcome, type RulesExplanation } from './explanation';
export { noMatchingRule } from './errors';
