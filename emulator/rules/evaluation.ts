/**
 * The shapes compiled expressions take, and the few combinators they share.
 *
 * Evaluation is synchronous unless an expression calls `%function`: a compiled piece returns a
 * plain value when it can and a Promise only when it must, so the per-document checks of a read
 * (apply_when, field rules) stay synchronous loops for the rules most apps have.
 */
import type { ExpressionContext } from './context';

export type MaybePromise<T> = T | Promise<T>;

interface CompiledFlags {
  /** Reads %%root/%%prevRoot/%%this/%%prev or a document field: cannot be decided per request. */
  readsDocument: boolean;
  /** Calls %function somewhere, so evaluation may return a Promise. */
  isAsync: boolean;
}

/** A value expression: an expansion, a literal, `%stringToOid`… */
export type CompiledValue = ((context: ExpressionContext) => MaybePromise<unknown>) & CompiledFlags;
/** A whole expression: `true`, `{ "owner": "%%user.id" }` … */
export type CompiledPredicate = ((context: ExpressionContext) => MaybePromise<boolean>) & CompiledFlags;
/** The right-hand side of `{ "<lhs>": <rhs> }`, tested against the left-hand value. */
export type CompiledMatcher = ((lhs: unknown, context: ExpressionContext) => MaybePromise<boolean>) & CompiledFlags;

export function withFlags<F extends object>(fn: F, parts: readonly Partial<CompiledFlags>[], isAsync = false): F & CompiledFlags {
  return Object.assign(fn, {
    readsDocument: parts.some((part) => part.readsDocument === true),
    isAsync: isAsync || parts.some((part) => part.isAsync === true),
  });
}

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return value instanceof Promise;
}

export function then<T, U>(value: MaybePromise<T>, next: (resolved: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(value) ? value.then(next) : next(value);
}

/** Every test holds, tried in order and stopping at the first that does not (`%and`, several keys). */
export function every<T>(items: readonly T[], test: (item: T) => MaybePromise<boolean>): MaybePromise<boolean> {
  for (let i = 0; i < items.length; i++) {
    const result = test(items[i]);
    if (isPromise(result)) {
      return (async () => {
        if (!(await result)) return false;
        for (let j = i + 1; j < items.length; j++) if (!(await test(items[j]))) return false;
        return true;
      })();
    }
    if (!result) return false;
  }
  return true;
}

/** Some test holds, stopping at the first that does (`%or`, `%in`). */
export function some<T>(items: readonly T[], test: (item: T) => MaybePromise<boolean>): MaybePromise<boolean> {
  for (let i = 0; i < items.length; i++) {
    const result = test(items[i]);
    if (isPromise(result)) {
      return (async () => {
        if (await result) return true;
        for (let j = i + 1; j < items.length; j++) if (await test(items[j])) return true;
        return false;
      })();
    }
    if (result) return true;
  }
  return false;
}

/** Evaluates every value, staying synchronous when all of them are. */
export function all<T>(items: readonly (() => MaybePromise<T>)[]): MaybePromise<T[]> {
  const results = items.map((item) => item());
  return results.some(isPromise) ? Promise.all(results) : (results as T[]);
}
