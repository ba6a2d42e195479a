/**
 * Who a function runs as, from its configuration (`run_as_system`, `run_as_user_id`,
 * `run_as_user_id_script_source`) and its caller. Pure, so that every part that runs something
 * "as" someone (functions, HTTPS endpoints, the Data API, which all carry a RunAs) decides the
 * same way; only the two effects (looking a user up, running the script) are left to the caller.
 *
 * App Services' rules (docs: functions/config, reference/config/functions):
 *  - run_as_system: system, whoever calls; `context.user` stays the calling user.
 *  - run_as_user_id: that user; rules apply as that user and `context.user` is that user.
 *  - run_as_user_id_script_source: the script returns a user id, or `{ runAsSystem: true }`
 *    (older docs: `runAsSystemUser`).
 *  - none of them ("application authentication"): the caller's identity as it is; a function
 *    called by a system function therefore runs as system too.
 */
import type { RunAs } from '../app/definition';
import type { AppUser } from '../auth/user';
import { FunctionError } from './errors';

/** An identity a call runs with. */
export interface Identity {
  /** `context.user`: the calling user (even when running as system), or the run-as user. */
  user: AppUser;
  /** Rules do not apply; `context.runningAsSystem()` answers true. */
  runningAsSystem: boolean;
}

/** The next step to decide the identity: it is known, or a user must be looked up, or a script run. */
export type RunAsStep =
  | { kind: 'identity'; identity: Identity }
  | { kind: 'lookup-user'; userId: string }
  | { kind: 'run-script'; source: string };

export function runAsStep(runAs: RunAs, caller: Identity): RunAsStep {
  switch (runAs.kind) {
    case 'system':
      return { kind: 'identity', identity: { user: caller.user, runningAsSystem: true } };
    case 'application':
      return { kind: 'identity', identity: caller };
    case 'user-id':
      return { kind: 'lookup-user', userId: runAs.userId };
    case 'user-id-script':
      return { kind: 'run-script', source: runAs.source };
  }
}

/** What `run_as_user_id_script_source` returned, as the next step (never another script). */
export function scriptResultStep(value: unknown, caller: Identity): Exclude<RunAsStep, { kind: 'run-script' }> {
  const answer = scriptAnswer(value);
  if (typeof answer === 'string') return { kind: 'lookup-user', userId: answer };
  return { kind: 'identity', identity: { user: caller.user, runningAsSystem: true } };
}

/** A script's return value as what it means: a user id, or system; anything else is an error. */
export function scriptAnswer(value: unknown): string | { runAsSystem: true } {
  if (typeof value === 'string' && value !== '') return value;
  if (value !== null && typeof value === 'object') {
    const flags = value as { runAsSystem?: unknown; runAsSystemUser?: unknown };
    if (flags.runAsSystem === true || flags.runAsSystemUser === true) return { runAsSystem: true };
  }
  throw FunctionError.execution(
    `run_as_user_id_script_source must return a user id string or { runAsSystem: true }; it returned ${describe(value)}`,
  );
}

/** The identity of a looked-up run-as user. */
export function userIdentity(user: AppUser): Identity {
  return { user, runningAsSystem: false };
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return 'an empty string';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
