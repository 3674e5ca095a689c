// local.settings.json as func reads it (specs/functions-host.md §5 step 1, §11).
import { LocalSettingsError } from '../../../src/functions-host';
import { applyLocalSettings, parseLocalSettings } from '../../../src/functions-host/local-settings';
import { silentLogger } from '../../../src/core';

const SOURCE = '/app/local.settings.json';
const parse = (json: unknown) => parseLocalSettings(JSON.stringify(json), SOURCE);

describe('local.settings.json', () => {
  test('reads Values, ConnectionStrings and Host', () => {
    const settings = parse({
      IsEncrypted: false,
      Values: { A: 'x', PORT: 8080, FLAG: true, SKIPPED: null },
      ConnectionStrings: { Db: 'Server=.', Other: { ConnectionString: 'Server=other', ProviderName: 'System.Data.SqlClient' } },
      Host: { LocalHttpPort: 7072, CORS: 'http://a.example, *', CORSCredentials: true },
    });
    expect(settings.values).toEqual({ A: 'x', PORT: '8080', FLAG: 'true' });
    expect(settings.connectionStrings).toEqual({ Db: 'Server=.', Other: 'Server=other' });
    expect(settings.host).toEqual({ localHttpPort: 7072, cors: ['http://a.example', '*'], corsCredentials: true });
  });

  test('a missing IsEncrypted means plain text (func would try to decrypt)', () => {
    expect(parse({ Values: { A: '1' } }).values).toEqual({ A: '1' });
  });

  test.each([
    ['{ "Values": { "A": "1", } }', /local\.settings\.json: is not valid JSON/],
    [JSON.stringify({ IsEncrypted: true, Values: {} }), /"IsEncrypted" is true, but durable-runtime cannot decrypt settings/],
    [JSON.stringify({ Values: { A: { nested: 1 } } }), /"Values.A" must be a string/],
    [JSON.stringify({ Values: [] }), /"Values" must be a JSON object/],
    [JSON.stringify({ Host: { LocalHttpPort: 70000 } }), /"Host.LocalHttpPort" must be a port number/],
    [JSON.stringify({ Host: { CORS: ['a'] } }), /"Host.CORS" must be a comma-separated string/],
  ])('rejects %s naming the file', (text, message) => {
    expect(() => parseLocalSettings(text, SOURCE)).toThrow(LocalSettingsError);
    expect(() => parseLocalSettings(text, SOURCE)).toThrow(message);
  });

  test('values go into the environment, but a variable the user already set wins', () => {
    const env: NodeJS.ProcessEnv = { B: 'from user' };
    applyLocalSettings(parse({ Values: { A: '1', B: 'from file' }, ConnectionStrings: { Db: 'cs' } }), env, new Map(), silentLogger);
    expect(env).toEqual({ A: '1', B: 'from user', 'ConnectionStrings:Db': 'cs' });
  });

  test('a later load replaces what an earlier load set, not what the user set', () => {
    const env: NodeJS.ProcessEnv = {};
    const setByHost = new Map<string, string>();
    applyLocalSettings(parse({ Values: { HUB: 'First' } }), env, setByHost, silentLogger);
    applyLocalSettings(parse({ Values: { HUB: 'Second' } }), env, setByHost, silentLogger);
    expect(env.HUB).toBe('Second');
    env.HUB = 'changed by the user';
    applyLocalSettings(parse({ Values: { HUB: 'Third' } }), env, setByHost, silentLogger);
    expect(env.HUB).toBe('changed by the user');
  });
});
