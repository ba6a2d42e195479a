/**
 * What an expression is evaluated against: the request-level facts (`%%user`, `%%request`,
 * `%%values`, `%%environment`, the `%function` hook) and, for document rules, the document images
 * (`%%root`, `%%prevRoot`) and the field being checked (`%%this`, `%%prev`).
 */
import type { AppDefinition } from '../app/definition';
import type { AppUser } from '../auth/user';
import type { RequestInfo } from '../http/request-info';
import type { Document } from './values';

/** Calls an app function for `%function`; the functions runtime provides it. */
export interface RuleFunctionCall {
  name: string;
  arguments: unknown[];
  user: AppUser;
  request: RequestInfo;
}
export type RuleFunctionHook = (call: RuleFunctionCall) => Promise<unknown>;

export interface ExpressionContext {
  /** `%%user`, shaped once per request by userExpansion(). */
  user: Document;
  request: RequestInfo;
  values: Document;
  environment: Document;
  /** The document after the operation (or the document read). */
  root?: unknown;
  /** The document before the operation; absent on insert. */
  prevRoot?: unknown;
  /** The value of the field being checked, after and before the operation. */
  this?: unknown;
  prev?: unknown;
  /** `%function`; absent when no functions runtime is attached. */
  callFunction?: (name: string, args: unknown[]) => Promise<unknown>;
  /** Told why an expression was taken as false because it failed (function errors, bad operands). */
  onFailure?: (reason: string) => void;
}

/** The values an expression sees of the document (or field) being checked. */
export type DocumentImages = Pick<ExpressionContext, 'root' | 'prevRoot' | 'this' | 'prev'>;

/**
 * `context` with the images of one document. Made once per document on reads, so it shares the
 * request-level part through its prototype instead of copying it.
 */
export function withImages(context: ExpressionContext, images: DocumentImages): ExpressionContext {
  const derived = Object.create(context) as ExpressionContext;
  if ('root' in images) derived.root = images.root;
  if ('prevRoot' in images) derived.prevRoot = images.prevRoot;
  if ('this' in images) derived.this = images.this;
  if ('prev' in images) derived.prev = images.prev;
  return derived;
}

/**
 * `%%user` as App Services documents it: `{ id, type, data, custom_data, identities }`. Identities
 * carry `provider_type` and also `providerType`, because the docs spell it both ways (spec 2.4)
 * and exported rules use either.
 */
export function userExpansion(user: AppUser): Document {
  return {
    id: user.id,
    type: user.type,
    data: user.data,
    custom_data: user.custom_data,
    identities: user.identities.map((identity) => ({ ...identity, providerType: identity.provider_type })),
  };
}

const valuesByApp = new WeakMap<AppDefinition, { values: Document; environment: Document }>();

/** `%%values` and `%%environment` of an app, built once per definition. */
export function appExpansions(definition: AppDefinition): { values: Document; environment: Document } {
  let found = valuesByApp.get(definition);
  if (!found) {
    const values: Document = {};
    for (const [name, value] of definition.values) values[name] = value.value;
    found = { values, environment: { tag: definition.environment.tag, values: definition.environment.values } };
    valuesByApp.set(definition, found);
  }
  return found;
}

/** The request-level context of one caller. */
export function requestContext(options: {
  definition: AppDefinition;
  user: AppUser;
  request: RequestInfo;
  functions?: RuleFunctionHook;
  onFailure?: (reason: string) => void;
}): ExpressionContext {
  const { values, environment } = appExpansions(options.definition);
  const { functions, user, request, definition } = options;
  return {
    user: userExpansion(user),
    request,
    values,
    environment,
    callFunction: functions
      ? (name, args) => {
          // A rule naming a function the app does not define fails like App Services' FunctionNotFound.
          if (!definition.functions.has(name)) return Promise.reject(new Error(`function not found: '${name}'`));
          return functions({ name, arguments: args, user, request });
        }
      : undefined,
    onFailure: options.onFailure,
  };
}
