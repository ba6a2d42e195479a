/**
 * hello / isMaster: the handshake. The engine is a standalone server: writable primary, no
 * replica set, sessions supported (so drivers send lsid, as with a standalone mongod) but no
 * transactions, and no compression (an offered compressor is simply not accepted).
 */
import { Int32 } from 'bson';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE_BYTES, MAX_WRITE_BATCH_SIZE } from '../wire/protocol';
import type { CommandDefinition } from './command';

/** MongoDB 7.0's wire version: drivers then use the 7.0 command set, which is what the engine serves. */
export const MAX_WIRE_VERSION = 21;

export const hello: CommandDefinition = {
  name: 'hello',
  aliases: ['isMaster', 'ismaster'],
  run(command, context) {
    const legacy = command.hello === undefined;
    return {
      // A client that asked with isMaster gets `ismaster`; `hello` gets `isWritablePrimary`.
      ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
      helloOk: true,
      maxBsonObjectSize: new Int32(MAX_BSON_OBJECT_SIZE),
      maxMessageSizeBytes: new Int32(MAX_MESSAGE_SIZE_BYTES),
      maxWriteBatchSize: new Int32(MAX_WRITE_BATCH_SIZE),
      localTime: new Date(),
      logicalSessionTimeoutMinutes: new Int32(30),
      connectionId: new Int32(context.connection.id),
      minWireVersion: new Int32(0),
      maxWireVersion: new Int32(MAX_WIRE_VERSION),
      readOnly: false,
    };
  },
};
