/**
 * The dynamic parts of update paths:
 *  - `$`, the position of the array element the query matched. mongod records it while matching
 *    (the "elemMatchKey"); the engine recomputes it: for each query condition whose path crosses
 *    an array, it tests the array's elements one by one against that condition.
 *  - `$[<id>]` with `arrayFilters`: each filter is a query on one array element, named by the
 *    filter's top-level field (`{"x.grade": {$gte: 85}}` filters `$[x]`).
 */
import { CommandError } from '../../errors';
import { Document, isPlainObject, toFilter } from '../../values/forms';
import { Matcher, compileFilter } from '../matcher';
import { arrayIndex } from './paths';

// ---- arrayFilters -------------------------------------------------------------------------------

export type ArrayFilters = Map<string, (element: unknown) => boolean>;

const IDENTIFIER = /^[a-z][a-zA-Z0-9]*$/;

/** The top-level field names a filter's conditions use, looking through $and, $or and $nor. */
function topLevelFields(filter: Document, out: Set<string>): void {
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (Array.isArray(value)) for (const clause of value) if (isPlainObject(clause)) topLevelFields(clause, out);
    } else if (!key.startsWith('$')) {
      out.add(key.split('.')[0]);
    }
  }
}

export function parseArrayFilters(filters: unknown[] | undefined, variables: Document | undefined): ArrayFilters {
  const parsed: ArrayFilters = new Map();
  for (const filter of filters ?? []) {
    if (!isPlainObject(filter)) {
      throw CommandError.of('TypeMismatch', 'Each array filter must be an object');
    }
    const fields = new Set<string>();
    topLevelFields(filter, fields);
    const [identifier, other] = [...fields];
    if (identifier === undefined) {
      throw CommandError.of('FailedToParse', 'Cannot use an expression without a top-level field name in arrayFilters');
    }
    if (other !== undefined) {
      throw CommandError.of(
        'FailedToParse',
        `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${identifier}' and '${other}'`,
      );
    }
    if (!IDENTIFIER.test(identifier)) {
      throw CommandError.of(
        'BadValue',
        `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${identifier}'`,
      );
    }
    if (parsed.has(identifier)) {
      throw CommandError.of('FailedToParse', `Found multiple array filters with the same top-level field name ${identifier}`);
    }
    const matches = compileFilter(toFilter(filter), variables);
    parsed.set(identifier, (element) => matches({ [identifier]: element }));
  }
  return parsed;
}

// ---- the positional operator --------------------------------------------------------------------

const WRAPPED_FIELD = 'element';

/**
 * Finds the array positions a query matched in a document. Built once per update statement; the
 * conditions are compiled once and tested against single array elements.
 */
export class PositionalMatcher {
  private readonly conditions: { path: string[]; condition: unknown }[] = [];
  private readonly compiled = new Map<string, Matcher>();

  constructor(
    filter: Document,
    private readonly variables?: Document,
  ) {
    this.collect(filter);
  }

  private collect(filter: Document): void {
    for (const [key, value] of Object.entries(filter)) {
      if (key === '$and' && Array.isArray(value)) {
        for (const clause of value) if (isPlainObject(clause)) this.collect(clause);
      } else if (!key.startsWith('$')) {
        this.conditions.push({ path: key.split('.'), condition: value });
      }
    }
  }

  /**
   * The index to use for `$` after `arrayPath`: the first element matched by the conditions on
   * that array when there are any, else (as mongod, whose one matched position serves every `$`)
   * the position recorded by the last condition that crossed an array.
   */
  matchedIndex(document: Document, arrayPath: string[]): string | undefined {
    let fallback: string | undefined;
    const onThisArray: { index: number; conditionIndex: number }[] = [];
    this.conditions.forEach(({ path, condition }, conditionIndex) => {
      const match = this.firstMatch(document, path, condition);
      if (!match) return;
      if (match.arrayPath.join('.') === arrayPath.join('.')) onThisArray.push({ index: match.index, conditionIndex });
      fallback = String(match.index);
    });
    if (onThisArray.length === 0) return fallback;
    // Prefer an element that satisfies every condition on this array, else the first condition's.
    const candidates = [...new Set(onThisArray.map((entry) => entry.index))].sort((a, b) => a - b);
    const relevant = onThisArray.map((entry) => this.conditions[entry.conditionIndex]);
    const array = arrayAt(document, arrayPath) as unknown[];
    const all = candidates.find((index) =>
      relevant.every(({ path, condition }) => this.elementMatches(array[index], path.slice(arrayPath.length), condition, path)),
    );
    return String(all ?? onThisArray[0].index);
  }

  /** The first array on a condition's path, and the first of its elements the condition matches. */
  private firstMatch(document: Document, path: string[], condition: unknown): { arrayPath: string[]; index: number } | undefined {
    let value: unknown = document;
    for (let depth = 0; depth < path.length; depth++) {
      if (!isPlainObject(value)) return undefined;
      value = value[path[depth]];
      if (Array.isArray(value)) {
        const rest = path.slice(depth + 1);
        // A numeric part right after the array names one element: the array is not searched there.
        if (rest.length > 0 && arrayIndex(rest[0]) !== undefined) {
          value = value[Number(rest[0])];
          depth++;
          continue;
        }
        const index = value.findIndex((element) => this.elementMatches(element, rest, condition, path));
        return index === -1 ? undefined : { arrayPath: path.slice(0, depth + 1), index };
      }
    }
    return undefined;
  }

  private elementMatches(element: unknown, rest: string[], condition: unknown, path: string[]): boolean {
    const key = `${path.join('.')}\u0000${rest.length}`;
    let matches = this.compiled.get(key);
    if (!matches) {
      const field = [WRAPPED_FIELD, ...rest].join('.');
      matches = compileFilter({ [field]: condition }, this.variables);
      this.compiled.set(key, matches);
    }
    // The element is wrapped in a one-element array so that conditions on the array itself
    // ({tags: "x"}, $elemMatch) read it the way they read the whole array.
    return matches({ [WRAPPED_FIELD]: [element] });
  }
}

function arrayAt(document: Document, path: string[]): unknown {
  let value: unknown = document;
  for (const part of path) {
    if (Array.isArray(value)) value = value[Number(part)];
    else if (isPlainObject(value)) value = value[part];
    else return undefined;
  }
  return value;
}
