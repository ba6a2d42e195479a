/**
 * getParameter: the few server parameters clients ask for. `{getParameter: "*"}` lists them all;
 * asking for one the engine does not have fails as mongod does ("no option found to get").
 */
import { Int32 } from 'bson';
import { CommandError } from '../errors';
import type { Document } from '../values/forms';
import { CURSOR_IDLE_TIMEOUT_MS } from '../store/cursors';
import type { CommandDefinition } from './command';

const PARAMETERS: Document = {
  featureCompatibilityVersion: { version: '7.0' },
  cursorTimeoutMillis: new Int32(CURSOR_IDLE_TIMEOUT_MS),
  internalQueryMaxBlockingSortMemoryUsageBytes: new Int32(100 * 1024 * 1024),
  authenticationMechanisms: [],
  logLevel: new Int32(0),
  maxBSONDepth: new Int32(100),
  quiet: false,
  transactionLifetimeLimitSeconds: new Int32(60),
};

export const getParameter: CommandDefinition = {
  name: 'getParameter',
  adminOnly: true,
  run(command) {
    if (command.getParameter === '*') return { ...PARAMETERS };
    const requested = Object.keys(command).filter((key) => key !== 'getParameter' && !key.startsWith('$') && key !== 'lsid' && key !== 'comment');
    if (requested.length === 0) throw CommandError.of('BadValue', 'no option found to get');
    const result: Document = {};
    for (const name of requested) {
      if (!(name in PARAMETERS)) throw CommandError.of('InvalidOptions', `no option found to get: ${name}`);
      result[name] = PARAMETERS[name];
    }
    return result;
  },
};
