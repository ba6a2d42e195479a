/** serverStatus: a small subset — process, uptime, connections and the open cursor count. */
import { Int32, Long } from 'bson';
import { SERVER_VERSION } from './build-info';
import type { CommandDefinition } from './command';

export const serverStatus: CommandDefinition = {
  name: 'serverStatus',
  aliases: ['serverstatus'],
  run(_command, context) {
    const uptimeMillis = Date.now() - context.server.startedAt.getTime();
    const connections = context.server.connections();
    return {
      host: `${context.server.host}:${context.server.port}`,
      version: SERVER_VERSION,
      process: 'app-services-emulator',
      pid: Long.fromNumber(process.pid),
      uptime: uptimeMillis / 1000,
      uptimeMillis: Long.fromNumber(uptimeMillis),
      uptimeEstimate: Long.fromNumber(Math.floor(uptimeMillis / 1000)),
      localTime: new Date(),
      connections: { current: new Int32(connections.current), available: new Int32(100_000), totalCreated: new Int32(connections.totalCreated) },
      metrics: { cursor: { open: { total: Long.fromNumber(context.cursors.openCount) } } },
      storageEngine: { name: 'embedded', supportsCommittedReads: false, persistent: false },
    };
  },
};
