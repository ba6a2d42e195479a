/**
 * The errors rules raise, as App Services reports them (spec section 8). They are the project's
 * AppServicesError, so the HTTP layer maps them to a status and body without knowing about rules.
 */
import { AppServicesError } from '../http/errors';

/** No collection roles and no default roles: App Services' own message and code (spec 2.2, 8). */
export function noMatchingRule(namespace: string): AppServicesError {
  return new AppServicesError(403, 'NoMatchingRuleFound', `no rule exists for namespace '${namespace}'`);
}

/**
 * A rule the engine cannot compile (unknown operator or expansion, malformed operand). App Services
 * refuses such rules at deploy time; an exported app should not contain one, so this is reported
 * as the app's fault with the file and rule it names.
 */
export function invalidRule(file: string, message: string): AppServicesError {
  return new AppServicesError(500, 'InvalidRule', `invalid rule in ${file}: ${message}`);
}
