import { lines, loadFiles, removeApps } from './helpers/temp-app';

afterAll(removeApps);

describe('parts outside the emulator’s scope', () => {
  it('are listed with the file that defines them, and otherwise ignored', async () => {
    const result = await loadFiles({
      'data_sources/mongodb-atlas/config.json': { name: 'mongodb-atlas', type: 'mongodb-atlas', config: { clusterName: 'C', flexible_sync: { state: 'enabled', database_name: 'sync' } } },
      'sync/config.json': { type: 'flexible', state: 'enabled', development_mode_enabled: true },
      'graphql/config.json': { use_natural_pluralization: true },
      'graphql/custom_resolvers/query_total.json': { field_name: 'total', on_type: 'Query' },
      'hosting/config.json': { enabled: true },
      'hosting/files/index.html': '<html></html>',
      'log_forwarders/to-s3.json': { name: 'to-s3', log_types: ['function'], disabled: true },
      'triggers/daily.json': { name: 'daily', type: 'SCHEDULED', disabled: false, config: { schedule: '0 0 * * *' } },
      'services/aws/config.json': { name: 'aws', type: 'aws', config: { region: 'us-east-1' }, secret_config: { secretAccessKey: 'awsSecret' } },
      'services/gh/config.json': { name: 'gh', type: 'github', config: {} },
      'services/gh/incoming_webhooks/push/config.json': { name: 'push', options: { httpMethod: 'POST' } },
    });
    expect(lines(result)).toEqual([]);
    expect(result.app?.notServed).toEqual([
      { kind: 'sync', name: 'mongodb-atlas', file: 'data_sources/mongodb-atlas/config.json', detail: 'Device Sync (flexible_sync) on data source "mongodb-atlas"' },
      { kind: 'third-party-service', name: 'aws', file: 'services/aws/config.json', detail: 'aws service' },
      { kind: 'third-party-service', name: 'gh', file: 'services/gh/config.json', detail: 'github service' },
      {
        kind: 'service-webhook',
        name: 'gh/push',
        file: 'services/gh/incoming_webhooks/push/config.json',
        detail: 'incoming webhook of the github service "gh"; App Services could not convert github webhooks to endpoints',
      },
      { kind: 'sync', name: 'Device Sync', file: 'sync/config.json', detail: 'flexible Device Sync' },
      { kind: 'graphql', name: 'GraphQL API', file: 'graphql/config.json', detail: '1 custom resolver' },
      { kind: 'hosting', name: 'static hosting', file: 'hosting/config.json', detail: 'hosting/files holds 1 entry' },
      { kind: 'trigger', name: 'daily', file: 'triggers/daily.json', detail: 'scheduled trigger' },
      { kind: 'log-forwarder', name: 'to-s3', file: 'log_forwarders/to-s3.json', detail: 'disabled' },
    ]);
    // The aws secret is named, but nothing served needs it.
    expect(result.app?.secretsReferenced).toEqual([
      { name: 'awsSecret', given: false, neededBy: [{ file: 'services/aws/config.json', path: '$.secret_config.secretAccessKey', part: 'aws service "aws"', purpose: 'secret_config.secretAccessKey; the service is not served', required: false }] },
    ]);
  });

  it('leave nothing to list in an export that only carries their empty defaults', async () => {
    const result = await loadFiles({
      'sync/config.json': { development_mode_enabled: false },
      'hosting/config.json': { enabled: false },
    });
    expect(result.app?.notServed).toEqual([]);
  });

  it('list an enabled OAuth provider, but not a disabled one, and need neither one’s secret', async () => {
    const result = await loadFiles({
      'auth/providers.json': {
        'oauth2-apple': { name: 'oauth2-apple', type: 'oauth2-apple', disabled: false, config: { clientId: 'com.example' }, secret_config: { clientSecret: 'appleSecret' } },
        'oauth2-facebook': { name: 'oauth2-facebook', type: 'oauth2-facebook', disabled: true, secret_config: { clientSecret: 'fbSecret' } },
      },
    });
    expect(lines(result)).toEqual([]);
    expect(result.app?.notServed).toEqual([{ kind: 'auth-provider', name: 'oauth2-apple', file: 'auth/providers.json', detail: undefined }]);
    expect(result.app?.authProviders.get('oauth2-apple')).toMatchObject({ type: 'oauth2-apple', served: false, config: { clientId: 'com.example' }, secretConfig: { clientSecret: { name: 'appleSecret' } } });
  });
});
