import os from 'node:os';
import { Int32 } from 'bson';
import type { CommandDefinition } from './command';

export const hostInfo: CommandDefinition = {
  name: 'hostInfo',
  run: () => ({
    system: {
      currentTime: new Date(),
      hostname: os.hostname(),
      cpuAddrSize: new Int32(64),
      memSizeMB: new Int32(Math.round(os.totalmem() / 1024 / 1024)),
      numCores: new Int32(os.cpus().length),
      cpuArch: os.arch(),
    },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    extra: {},
  }),
};
