/**
 * Expansions: `%%name` variables and their paths (`%%user.custom_data.teams`). One entry per
 * expansion App Services documents for MongoDB rules (spec 2.4, docs rules/expressions.txt).
 * `%%args` (deprecated third-party services) and `%%partition` (partition-based Sync) are not
 * MongoDB rule expansions, so naming them is an error like any unknown expansion.
 */
import type { ExpressionContext } from './context';
import { valueAtPath } from './values';

interface Expansion {
  value(context: ExpressionContext): unknown;
  /** Reads the document (or field) being checked, so it cannot be decided once per request. */
  readsDocument: boolean;
  /** Resolves a path below the expansion when plain field paths are not right for it. */
  atPath?(value: unknown, path: readonly string[]): unknown;
}

/**
 * HTTP header names are case-insensitive, and RequestInfo keeps them as the client spelled them,
 * so `%%request.requestHeaders.x-secret-key` finds an `X-Secret-Key` header (the spelling App
 * Services' own Data API example uses).
 */
function requestAtPath(request: unknown, path: readonly string[]): unknown {
  if (path[0] !== 'requestHeaders' || path.length < 2) return valueAtPath(request, path);
  const headers = (request as { requestHeaders?: Record<string, string[]> }).requestHeaders ?? {};
  const wanted = path[1].toLowerCase();
  const name = Object.keys(headers).find((header) => header.toLowerCase() === wanted);
  return name === undefined ? undefined : valueAtPath(headers[name], path, 2);
}

const EXPANSIONS: Readonly<Record<string, Expansion>> = {
  true: { value: () => true, readsDocument: false },
  false: { value: () => false, readsDocument: false },
  user: { value: (context) => context.user, readsDocument: false },
  request: { value: (context) => context.request, readsDocument: false, atPath: requestAtPath },
  values: { value: (context) => context.values, readsDocument: false },
  environment: { value: (context) => context.environment, readsDocument: false },
  root: { value: (context) => context.root, readsDocument: true },
  prevRoot: { value: (context) => context.prevRoot, readsDocument: true },
  this: { value: (context) => context.this, readsDocument: true },
  prev: { value: (context) => context.prev, readsDocument: true },
};

export interface CompiledExpansion {
  (context: ExpressionContext): unknown;
  readsDocument: boolean;
}

export class RuleExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleExpressionError';
  }
}

export function isExpansion(text: string): boolean {
  return text.startsWith('%%');
}

/** `%%user.id` → a function of the context giving the user's id. */
export function compileExpansion(text: string): CompiledExpansion {
  const [name, ...path] = text.slice(2).split('.');
  const expansion = Object.prototype.hasOwnProperty.call(EXPANSIONS, name) ? EXPANSIONS[name] : undefined;
  if (!expansion) {
    throw new RuleExpressionError(
      `unknown expansion "%%${name}" in "${text}"; MongoDB rules know ${Object.keys(EXPANSIONS)
        .map((known) => `%%${known}`)
        .join(', ')}`,
    );
  }
  const read = expansion.value;
  const atPath = expansion.atPath ?? ((value: unknown, at: readonly string[]) => valueAtPath(value, at));
  const resolve =
    path.length === 0 ? (context: ExpressionContext) => read(context) : (context: ExpressionContext) => atPath(read(context), path);
  return Object.assign(resolve, { readsDocument: expansion.readsDocument });
}

/** A plain field name in a MongoDB rule stands for `%%root.<field>` (docs: rules/expressions.txt). */
export function compileFieldReference(field: string): CompiledExpansion {
  return compileExpansion(`%%root.${field}`);
}
