/**
 * The data source service functions get by default: the rules-aware "mongodb-atlas" service of
 * emulator/services/mongodb.ts (ARCHITECTURE.md: rules are applied in one place), built in the
 * worker on the worker's own MongoClient for the identity the function runs as. A system function
 * reaches the driver directly through it; a user function gets App Services' rules and user-context
 * refusals. `%function` in a rule runs within the same call (same worker, same time limit).
 */
import { createMongoService, ServiceCollection, ServiceCursor } from '../services/mongodb';
import type { CreateServiceForWorker } from './data-sources';

export const createServiceForWorker: CreateServiceForWorker = (client, definition, dataSourceName, caller) =>
  createMongoService({
    client,
    definition,
    dataSourceName,
    caller: { user: caller.user, runAsSystem: caller.runningAsSystem, request: caller.request },
    functions: (call) => caller.executeFunction(call.name, call.arguments),
  });

// Functions reach these prototypes through the collections and cursors they are given; frozen, no
// call can change a method for the calls after it (the service's other objects are made per caller).
for (const type of [ServiceCollection, ServiceCursor]) Object.freeze(type.prototype);
