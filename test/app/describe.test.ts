import * as path from 'node:path';
import { describeApp, formatSummary, loadApp, type AppDefinition } from '../../emulator/app';
import { FIXTURES } from './helpers/temp-app';

async function load(name: string, secrets: Record<string, string> = {}): Promise<AppDefinition> {
  const { app } = await loadApp(path.join(FIXTURES, name), { secrets });
  if (!app) throw new Error(`fixture ${name} did not load`);
  return app;
}

describe('describeApp', () => {
  it('summarizes what is served, how, and what is not, for the realm_config.json fixture', async () => {
    const summary = describeApp(await load('realm-config', { jwtKeyCurrent: 'k'.repeat(32) }));
    expect(summary.app).toEqual({
      id: 'realm-config-abcde',
      idSource: 'root-file',
      name: 'realm-config',
      configVersion: 20210101,
      layout: 'current',
      rootFile: 'realm_config.json',
      location: 'US-OR',
      deploymentModel: 'LOCAL',
    });
    expect(summary.authProviders).toContainEqual({ name: 'custom-function', type: 'custom-function', enabled: true, served: true });
    expect(summary.ruleNamespaces).toEqual([
      { dataSource: 'analytics', namespace: 'reports.daily', roles: ['servers'], filters: [], hasSchema: false },
      { dataSource: 'main-cluster', namespace: 'app.comments', roles: [], filters: [], hasSchema: true },
      { dataSource: 'main-cluster', namespace: 'app.posts', roles: ['author', 'reader'], filters: [], hasSchema: true },
      { dataSource: 'main-cluster', namespace: 'app.users', roles: ['self', 'admin'], filters: ['activeOnly'], hasSchema: true },
    ]);
    expect(summary.functions).toContainEqual({ name: 'reportAsScriptUser', private: false, missing: false, runAs: 'the user a script chooses' });
    expect(summary.endpoints[1]).toEqual({
      method: 'POST',
      route: '/hello/latest',
      functionName: 'endpoint/hello/latest',
      enabled: true,
      validation: 'secret query parameter (secret "endpointSecret")',
      returnType: 'EJSON',
    });
    expect(summary.dataApi).toEqual({ enabled: true, versions: ['v1'], returnType: 'EJSON', validation: 'no validation', runAs: 'the calling user' });
    expect(summary.environment).toEqual({ tag: 'development', file: 'environments/development.json', valueNames: ['clusterName', 'baseUrl', 'autoConfirm', 'audiences'] });
    expect(summary.customUserData).toEqual({ enabled: true, collection: 'main-cluster/app.users', userIdField: 'user_id' });
  });

  it('never shows a secret’s value, even for a secret-linked value that was given', async () => {
    const summary = describeApp(await load('realm-config', { thirdPartyApiKeySecret: 'sk_live_do_not_print', jwtKeyCurrent: 'k'.repeat(32) }));
    expect(summary.values).toEqual([
      { name: 'greeting', value: '"beautiful world"' },
      { name: 'limits', value: '{"maxItems":50,"tiers":["free","pro"]}' },
      { name: 'thirdPartyApiKey', secretName: 'thirdPartyApiKeySecret' },
    ]);
    const text = JSON.stringify(summary) + formatSummary(summary);
    expect(text).not.toContain('sk_live_do_not_print');
    expect(text).not.toContain('k'.repeat(32));
    expect(summary.secrets).toContainEqual({ name: 'jwtKeyCurrent', given: true, required: true, neededBy: ['auth provider "custom-token" (JWT signing key)'] });
    expect(summary.secrets).toContainEqual({ name: 'googleClientSecret', given: false, required: false, neededBy: ['auth provider "oauth2-google" (secret_config.clientSecret)'] });
  });
});

describe('formatSummary', () => {
  it('prints the data-api-blog app as serve shows it', async () => {
    const text = formatSummary(describeApp(await load('data-api-blog', { jwtSecret: 's'.repeat(32) })));
    expect(text).toBe(
      [
        'App data-api-blog-rzuzf ("data-api-blog"), config_version 20210101, current layout, root_config.json, GLOBAL US-VA',
        'Environment: none',
        'Auth providers: api-key, custom-token',
        'Rules:',
        '  mongodb-atlas (mongodb-atlas)',
        '    sample_training.routes: roles readAll',
        'Functions: sumTopAirports',
        'Endpoints:',
        '  GET /sumTopAirports → sumTopAirports (JSON, no validation)',
        'Data API: enabled, versions v1, returns JSON, runs as the calling user, no validation',
        'Values: (none)',
        'Allowed request origins: any',
        'Not served: (none)',
        'Secrets:',
        '  jwtSecret: given; auth provider "custom-token" (JWT signing key)',
      ].join('\n'),
    );
  });

  it('prints a legacy app with its converted webhooks, what is not served and the secrets it misses', async () => {
    const text = formatSummary(describeApp(await load('legacy-config')));
    expect(text).toBe(
      [
        'App legacy-config-xyzzy ("legacy-config"), config_version 20200603, legacy layout (realm-cli v1), config.json, GLOBAL US-VA',
        'Environment: none (values: clusterName)',
        'Auth providers: api-key, custom-token, local-userpass',
        'Custom user data: mongodb-atlas/todo.profiles by owner',
        'Rules:',
        '  mongodb-atlas (mongodb-atlas)',
        '    todo.items: roles owner; filters mine; schema',
        '    todo.profiles: roles self',
        'Functions: greet (private), noConfig, sum, webhooks/addItem (private), webhooks/status (private)',
        'Endpoints:',
        '  POST /webhooks/addItem → webhooks/addItem (EJSON, payload signature (the webhook secret))',
        '  * /webhooks/status → webhooks/status (EJSON, no validation)',
        'Data API: not configured',
        'Values: appTitle = "Legacy Todo"',
        'Allowed request origins: https://app.example.com',
        'Not served:',
        '  service sms (twilio service) — services/sms/config.json',
        '  webhook sms/inbound (incoming webhook of the twilio service "sms"; App Services could not convert twilio webhooks to endpoints) — services/sms/incoming_webhooks/inbound/config.json',
        '  service webhooks (HTTP service: its actions (context.services.get("webhooks")) are not served; its incoming webhooks are served as endpoints) — services/webhooks/config.json',
        '  trigger nightlyCleanup (scheduled trigger, disabled) — triggers/nightlyCleanup.json',
        'Secrets:',
        '  legacyJwtKey: MISSING; auth provider "custom-token" (JWT signing key)',
        '  twilioAuthToken: not given; twilio service "sms" (secret_config.auth_token; the service is not served)',
      ].join('\n'),
    );
  });
});
