/** connectionStatus: who the connection is authenticated as. The engine has no authentication. */
import type { CommandDefinition } from './command';

export const connectionStatus: CommandDefinition = {
  name: 'connectionStatus',
  run: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] } }),
};
