import { lines, removeApps, writeApp } from './helpers/temp-app';
import { loadApp } from '../../emulator/app';

afterAll(removeApps);

function root(environment: string): object {
  return { config_version: 20210101, app_id: 'env-abcde', name: 'env', environment };
}

const ENVIRONMENTS = {
  'environments/no-environment.json': { values: { clusterName: 'local-cluster', port: 27017, db: { name: 'local' } } },
  'environments/production.json': { values: { clusterName: 'prod-cluster', port: 27018, db: { name: 'prod' } } },
};

async function loadWith(environment: string, files: Record<string, object | string>) {
  return loadApp(await writeApp({ 'realm_config.json': root(environment), ...ENVIRONMENTS, ...files }));
}

const DATA_SOURCE = (config: object) => ({ 'data_sources/mongodb-atlas/config.json': { name: 'mongodb-atlas', type: 'mongodb-atlas', config } });

describe('environments and template expansions', () => {
  it('uses environments/no-environment.json when the root file says ""', async () => {
    const result = await loadWith('', DATA_SOURCE({ clusterName: '%(%%environment.values.clusterName)' }));
    expect(lines(result)).toEqual([]);
    expect(result.app?.environment).toEqual({ tag: '', file: 'environments/no-environment.json', values: ENVIRONMENTS['environments/no-environment.json'].values });
    expect(result.app?.dataSources.get('mongodb-atlas')?.config.clusterName).toBe('local-cluster');
  });

  it('uses the environment the root file names', async () => {
    const result = await loadWith('production', DATA_SOURCE({ clusterName: '%(%%environment.values.clusterName)' }));
    expect(result.app?.environment.tag).toBe('production');
    expect(result.app?.dataSources.get('mongodb-atlas')?.config.clusterName).toBe('prod-cluster');
  });

  it('keeps the type of a whole-string template and writes the text of one inside a longer string', async () => {
    const result = await loadWith(
      'production',
      DATA_SOURCE({
        port: '%(%%environment.values.port)',
        url: 'mongodb://db:%(%%environment.values.port)/%(%%environment.values.db.name)?env=%(%%environment.tag)',
        db: '%(%%environment.values.db)',
      }),
    );
    expect(lines(result)).toEqual([]);
    expect(result.app?.dataSources.get('mongodb-atlas')?.config).toEqual({ port: 27018, url: 'mongodb://db:27018/prod?env=production', db: { name: 'prod' } });
  });

  it('expands templates in rules as in any other file, leaving %% rule expansions alone', async () => {
    const result = await loadWith('', {
      ...DATA_SOURCE({}),
      'data_sources/mongodb-atlas/db/coll/rules.json': { roles: [{ name: 'team', apply_when: { team: '%(%%environment.values.db.name)', owner: '%%user.id' } }] },
    });
    expect(result.app?.dataSources.get('mongodb-atlas')?.collections.get('db.coll')?.rules?.roles[0]?.apply_when).toEqual({ team: 'local', owner: '%%user.id' });
  });

  it('reports a template whose value the active environment lacks, with the file and JSON path', async () => {
    const result = await loadWith('production', DATA_SOURCE({ clusterName: '%(%%environment.values.cluster)' }));
    expect(lines(result)).toEqual([
      'error: data_sources/mongodb-atlas/config.json $.config.clusterName: cannot expand "%(%%environment.values.cluster)": the active environment "production" has no value "cluster" in environments/production.json [UnresolvedTemplate]',
    ]);
  });

  it('reports a template that is not an %%environment expansion', async () => {
    const result = await loadWith('', { 'values/v.json': { name: 'v', value: '%(%%values.other)' } });
    expect(lines(result)).toEqual([
      'error: values/v.json $.value: cannot expand "%(%%values.other)": configuration files may only use %%environment.tag and %%environment.values.<name> [UnresolvedTemplate]',
    ]);
  });

  it('warns when the named environment has no file, and its templates then fail', async () => {
    const result = await loadWith('qa', DATA_SOURCE({ clusterName: '%(%%environment.values.clusterName)' }));
    expect(lines(result)).toEqual([
      'warning: environments/qa.json: the root file names the environment "qa" but environments/qa.json does not exist; its values are empty [MissingEnvironmentFile]',
      'error: data_sources/mongodb-atlas/config.json $.config.clusterName: cannot expand "%(%%environment.values.clusterName)": the active environment "qa" has no value "clusterName" in environments/qa.json (missing) [UnresolvedTemplate]',
    ]);
    expect(result.app?.environment).toEqual({ tag: 'qa', values: {} });
  });

  it('refuses an environment name App Services does not have, and uses no environment', async () => {
    const result = await loadWith('staging', {});
    expect(lines(result)).toEqual([
      'error: realm_config.json $.environment: expected one of "", "development", "testing", "qa", "production", found a string ("staging") [SchemaViolation]',
    ]);
    expect(result.app?.environment.tag).toBe('');
  });

  it('does not expand templates inside environment files themselves', async () => {
    const result = await loadApp(
      await writeApp({
        'realm_config.json': root(''),
        'environments/no-environment.json': { values: { literal: '%(%%environment.values.other)' } },
      }),
    );
    expect(lines(result)).toEqual([]);
    expect(result.app?.environment.values).toEqual({ literal: '%(%%environment.values.other)' });
  });

  it('is fine without any environments/ folder', async () => {
    const result = await loadApp(await writeApp({ 'realm_config.json': root('') }));
    expect(lines(result)).toEqual([]);
    expect(result.app?.environment).toEqual({ tag: '', values: {} });
  });
});
