/**
 * Sandbox-side code, run once in every call's VM before any function. It must run inside the
 * sandbox (not on the host) because what it creates has to belong to the call:
 *
 *  - stack traces: vm2 formats every frame as "CallSite {}" by default (it will not let V8's
 *    formatter print host paths); this formatter prints sandbox frames as V8 would, from the
 *    call sites vm2 hands the sandbox (host frames stay redacted by vm2);
 *  - `require`: App Services' policy over vm2's require (modules.ts says what is allowed).
 *    Filtered modules are built here, so each call gets its own module objects, whose members
 *    stay vm2's read-only views of the host's: no call can alter what the next one gets.
 *
 * The source evaluates to `function (policyJson) → makeRequire(vmRequire) → require`.
 */
export const PRELUDE_SOURCE = `
return function (policyJson) {
  'use strict';
  Error.prepareStackTrace = function (error, callSites) {
    let text = String(error && error.name || 'Error');
    const message = error && error.message;
    if (message) text += ': ' + message;
    for (const site of callSites) {
      const file = site.getFileName && site.getFileName();
      if (!file) continue;
      const where = file + ':' + site.getLineNumber() + ':' + site.getColumnNumber();
      const name = site.getFunctionName && site.getFunctionName();
      text += '\\n    at ' + (name ? name + ' (' + where + ')' : where);
    }
    return text;
  };

  const policy = JSON.parse(policyJson);
  return function makeRequire(vmRequire) {
    const cache = Object.create(null);
    return function require(id) {
      if (typeof id !== 'string') throw new TypeError('The "id" argument must be of type string. Received ' + typeof id);
      const prefixed = id.indexOf('node:') === 0;
      const name = prefixed ? id.slice(5) : id;
      const builtin = prefixed || policy.nodeBuiltins.indexOf(name) !== -1;
      if (!builtin) return vmRequire(id);
      if (policy.supported.indexOf(name) === -1) throw new Error("Cannot find module '" + id + "'");
      if (name in cache) return cache[name];
      const loaded = vmRequire(name);
      const filter = policy.filters[name];
      let exported = loaded;
      if (filter) {
        exported = {};
        for (const key of Object.keys(loaded)) {
          const keep = filter.pick ? filter.pick.indexOf(key) !== -1 : filter.omit.indexOf(key) === -1;
          if (keep) exported[key] = loaded[key];
        }
      }
      cache[name] = exported;
      return exported;
    };
  };
};`;
