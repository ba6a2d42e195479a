/**
 * create: an explicit collection. Options the engine cannot honour are refused by name rather than
 * accepted and ignored, so nobody relies on a validator or a cap that is not enforced.
 */
import { CommandError } from '../errors';
import { Document } from '../values/forms';
import { Arguments, targetName } from './arguments';
import type { CommandDefinition } from './command';
import { refuseCollation } from './shared';

const UNSUPPORTED: Record<string, string> = {
  viewOn: 'views',
  timeseries: 'time series collections',
  clusteredIndex: 'clustered collections',
  encryptedFields: 'queryable encryption',
};

/** Options that are bookkeeping only and safe to record. */
const RECORDED = ['storageEngine', 'indexOptionDefaults', 'validationLevel', 'validationAction', 'changeStreamPreAndPostImages', 'expireAfterSeconds'];

function unsupported(what: string): CommandError {
  return CommandError.of('InvalidOptions', `${what} are not supported by the embedded engine; use --mongodb memory-server or a MongoDB URI`);
}

export const create: CommandDefinition = {
  name: 'create',
  run(command, context) {
    const name = targetName(command, 'create');
    const args = new Arguments(command, 'create');
    if (args.boolean('capped')) throw unsupported('capped collections');
    for (const [option, what] of Object.entries(UNSUPPORTED)) if (args.has(option)) throw unsupported(what);
    const validator = args.document('validator');
    if (validator && Object.keys(validator).length > 0) throw unsupported('collection validators');
    refuseCollation(args);
    const options: Document = {};
    for (const option of RECORDED) if (args.has(option)) options[option] = args.raw(option);
    context.engine.createCollection(context.database, name, options);
    return {};
  },
};
