/**
 * $function and $accumulator run server-side JavaScript, which the embedded engine does not do
 * (App Services never allowed it in its rules either). mingo's own $setWindowFields evaluates its
 * windows through `$function` with a JavaScript function as the body; only that use is let through.
 */
import { CommandError } from '../../errors';
import { AccumulatorOperator, evaluate, ExpressionOperator } from './evaluation';

export function scriptingRefused(operator: string): CommandError {
  return CommandError.of(
    'BadValue',
    `${operator} is not allowed: the embedded engine does not run server-side JavaScript; ` +
      'use --mongodb memory-server or a MongoDB URI for it',
  );
}

export const $function: ExpressionOperator = (obj, expr, options) => {
  const spec = expr as { body?: unknown; args?: unknown };
  if (typeof spec?.body !== 'function') throw scriptingRefused('$function');
  const args = evaluate(obj, spec.args ?? [], options) as unknown[];
  return (spec.body as (...values: unknown[]) => unknown)(...args);
};

export const $accumulator: AccumulatorOperator = () => {
  throw scriptingRefused('$accumulator');
};
