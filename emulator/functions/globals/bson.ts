/**
 * The `BSON` and `EJSON` globals of a function (docs: functions/globals).
 *
 * App Services' BSON constructors work with and without `new` (`BSON.Int32(42)`,
 * `BSON.Long(600206158, 342)`), and `BSON.Binary` has `fromHex`/`fromBase64`/`toHex`/
 * `toBase64`/`text`; the `bson` package has neither, so each type is wrapped in a function that
 * constructs the real class (its `prototype` is the class's, so `instanceof` holds for values the
 * driver returns too) and Binary's prototype gets the three methods.
 *
 * Every call gets fresh `BSON`/`EJSON` objects, so reassigning `EJSON.parse` in one call is
 * invisible to the next. What they share (the wrappers, the classes' prototypes) is frozen once
 * per worker, so `BSON.ObjectId.prototype.toHexString = …` cannot leak either.
 */
import * as bson from 'bson';
import { decodeValue, encodeValue } from '../transport';

const TYPES = {
  ObjectId: bson.ObjectId,
  BSONRegExp: bson.BSONRegExp,
  Binary: bson.Binary,
  Int32: bson.Int32,
  Long: bson.Long,
  Double: bson.Double,
  Decimal128: bson.Decimal128,
  Timestamp: bson.Timestamp,
  UUID: bson.UUID,
  Code: bson.Code,
  DBRef: bson.DBRef,
  BSONSymbol: bson.BSONSymbol,
};

let shared: { types: Record<string, unknown>; ejson: Record<string, unknown> } | undefined;

/** Once per worker: App Services' Binary methods, frozen prototypes, the shared wrappers. */
function prepare(): NonNullable<typeof shared> {
  if (shared) return shared;
  const binaryMethods: Record<string, (this: bson.Binary) => string> = {
    toHex() {
      return this.toString('hex');
    },
    toBase64() {
      return this.toString('base64');
    },
    text() {
      return this.toString('utf8');
    },
  };
  for (const [name, method] of Object.entries(binaryMethods)) {
    Object.defineProperty(bson.Binary.prototype, name, { value: method, enumerable: false });
  }
  for (const type of [...Object.values(TYPES), bson.MaxKey, bson.MinKey]) freezePrototypeChain(type.prototype);

  const types: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(TYPES)) types[name] = callable(name, type);
  const binary = types.Binary as Record<string, unknown>;
  binary.fromHex = Object.freeze((hex: string, subType?: number) => bson.Binary.createFromHexString(hex, subType));
  binary.fromBase64 = Object.freeze((base64: string, subType?: number) => bson.Binary.createFromBase64(base64, subType));
  for (const wrapper of Object.values(types)) Object.freeze(wrapper);
  // The docs use MaxKey and MinKey as values (`{ $lt: BSON.MaxKey }`), not as constructors.
  types.MaxKey = Object.freeze(new bson.MaxKey());
  types.MinKey = Object.freeze(new bson.MinKey());

  const ejson = {
    /** Numbers stay numbers; $numberLong/$numberDecimal and the other types keep their type. */
    parse(text: string, options?: bson.EJSONOptions): unknown {
      return options === undefined ? decodeValue(String(text)) : bson.EJSON.parse(String(text), options);
    },
    /** Canonical by default, as App Services' EJSON.stringify keeps type information. */
    stringify(value: unknown, replacer?: unknown, space?: string | number, options?: bson.EJSONOptions): string {
      if (replacer !== undefined || space !== undefined || options !== undefined) {
        const ejsonOptions = isOptions(replacer) ? replacer : options;
        const replacerArgument = isOptions(replacer) ? undefined : (replacer as ((key: string, value: unknown) => unknown) | undefined);
        const stringify = bson.EJSON.stringify as (value: unknown, replacer: unknown, space: unknown, options: bson.EJSONOptions) => string;
        return stringify(value, replacerArgument, space, { relaxed: false, ...ejsonOptions });
      }
      return value === undefined ? (undefined as unknown as string) : encodeValue(value);
    },
    serialize(value: unknown, options?: bson.EJSONOptions): unknown {
      return bson.EJSON.serialize(value, { relaxed: false, ...options });
    },
    deserialize(value: unknown, options?: bson.EJSONOptions): unknown {
      return bson.EJSON.deserialize(value as Record<string, unknown>, options);
    },
  };
  for (const method of Object.values(ejson)) Object.freeze(method);
  shared = { types, ejson };
  return shared;
}

/** A fresh `BSON` global for one call. */
export function createBsonGlobal(): Record<string, unknown> {
  return { ...prepare().types };
}

/** A fresh `EJSON` global for one call. */
export function createEjsonGlobal(): Record<string, unknown> {
  return { ...prepare().ejson };
}

type Constructor = new (...args: never[]) => object;

/** A function that constructs `type` whether or not it is called with `new`. */
function callable(name: string, type: Constructor): Record<string, unknown> {
  const wrapper = function (...args: unknown[]) {
    return new (type as new (...args: unknown[]) => object)(...args);
  } as unknown as Record<string, unknown> & { prototype: unknown };
  Object.defineProperty(wrapper, 'name', { value: name });
  wrapper.prototype = type.prototype;
  for (const key of Object.getOwnPropertyNames(type)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    const value = (type as unknown as Record<string, unknown>)[key];
    // Static helpers (Long.fromString, ObjectId.isValid …) keep their class as `this`; static
    // values (Long.MAX_VALUE …) are the ones bson itself uses, so they must not be writable.
    if (typeof value === 'function') wrapper[key] = Object.freeze((value as (...args: unknown[]) => unknown).bind(type));
    else wrapper[key] = value !== null && typeof value === 'object' ? Object.freeze(value) : value;
  }
  return wrapper;
}

function freezePrototypeChain(prototype: object | null): void {
  while (prototype && prototype !== Object.prototype) {
    Object.freeze(prototype);
    prototype = Object.getPrototypeOf(prototype) as object | null;
  }
}

function isOptions(value: unknown): value is bson.EJSONOptions {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
