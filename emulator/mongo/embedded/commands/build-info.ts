/**
 * buildInfo: what the engine presents itself as. Tools read `version` to pick features; the engine
 * serves the MongoDB 7.0 command set, so it says 7.0 and names itself in `emulator`.
 */
import { Int32 } from 'bson';
import { MAX_BSON_OBJECT_SIZE } from '../wire/protocol';
import type { CommandDefinition } from './command';

export const SERVER_VERSION = '7.0.0';

export const buildInfo: CommandDefinition = {
  name: 'buildInfo',
  aliases: ['buildinfo'],
  run: () => ({
    version: SERVER_VERSION,
    gitVersion: 'app-services-emulator-embedded',
    versionArray: [7, 0, 0, 0].map((n) => new Int32(n)),
    bits: new Int32(64),
    debug: false,
    maxBsonObjectSize: new Int32(MAX_BSON_OBJECT_SIZE),
    modules: [],
    storageEngines: ['embedded'],
    javascriptEngine: 'none',
    emulator: 'app-services-emulator embedded engine (mingo)',
  }),
};
