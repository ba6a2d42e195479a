import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gatherSecrets, SecretsError } from '../../emulator/cli/secrets';

function file(content: string): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
  const name = path.join(directory, 'secrets.json');
  writeFileSync(name, content);
  return name;
}

describe('gathering secrets', () => {
  it('reads APP_SECRET_<name>, then the file, then --secret, later ones winning', () => {
    const secretsFile = file(JSON.stringify({ fromFile: 'f', shared: 'file' }));
    const secrets = gatherSecrets(
      { secretsFile, secret: ['fromFlag=a=b', 'shared=flag'] },
      { APP_SECRET_fromEnv: 'e', APP_SECRET_shared: 'env', UNRELATED: 'x', APP_SECRET_: 'ignored' },
    );
    expect(secrets).toEqual({ fromEnv: 'e', fromFile: 'f', fromFlag: 'a=b', shared: 'flag' });
  });

  it('names the problem with a bad --secret, file or file content', () => {
    expect(() => gatherSecrets({ secret: ['novalue'] }, {})).toThrow(new SecretsError('--secret takes name=value, got "novalue"'));
    expect(() => gatherSecrets({ secretsFile: '/no/such/file.json' }, {})).toThrow(/cannot read the secrets file \/no\/such\/file\.json: ENOENT/);
    expect(() => gatherSecrets({ secretsFile: file('{oops') }, {})).toThrow(/is not valid JSON/);
    expect(() => gatherSecrets({ secretsFile: file('["a"]') }, {})).toThrow(/must hold one JSON object/);
    expect(() => gatherSecrets({ secretsFile: file('{"n": 5}') }, {})).toThrow(/the value of "n" must be a string/);
  });
});
