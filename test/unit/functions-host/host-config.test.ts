// host.json: %NAME% substitution, AzureFunctionsJobHost__* overrides (specs/azure-deployment.md §6), typed accessors.
import { HostConfigError } from '../../../src/functions-host';
import { DEFAULT_FUNCTION_TIMEOUT_MS, parseHostConfig } from '../../../src/functions-host/host-config';

const SOURCE = '/app/host.json';
const parse = (json: unknown, env: NodeJS.ProcessEnv = {}) => parseHostConfig(JSON.stringify(json), SOURCE, env);

describe('host.json', () => {
  test('defaults: route prefix "api", 30-minute function timeout, Information logging', () => {
    const config = parse({ version: '2.0' });
    expect(config.routePrefix).toBe('api');
    expect(config.functionTimeoutMs).toBe(DEFAULT_FUNCTION_TIMEOUT_MS);
    expect(config.defaultLogLevel).toBe('Information');
    expect(config.durableTask).toBeUndefined();
  });

  test('a missing file gives the defaults', () => {
    const config = parseHostConfig(undefined, SOURCE, {});
    expect(config.exists).toBe(false);
    expect(config.routePrefix).toBe('api');
  });

  test('routePrefix may be empty or nested; slashes around it are dropped', () => {
    expect(parse({ version: '2.0', extensions: { http: { routePrefix: '' } } }).routePrefix).toBe('');
    expect(parse({ version: '2.0', extensions: { http: { routePrefix: '/api/v1/' } } }).routePrefix).toBe('api/v1');
  });

  test('functionTimeout is a TimeSpan; "-1" means no limit', () => {
    expect(parse({ version: '2.0', functionTimeout: '00:05:00' }).functionTimeoutMs).toBe(300_000);
    expect(parse({ version: '2.0', functionTimeout: '1.02:00:00' }).functionTimeoutMs).toBe(26 * 3600_000);
    expect(parse({ version: '2.0', functionTimeout: '-1' }).functionTimeoutMs).toBeUndefined();
  });

  test('%NAME% is replaced by the app setting, anywhere in the document', () => {
    const config = parse({ version: '2.0', extensions: { durableTask: { hubName: '%TASKHUB_NAME%', tags: ['x-%SUFFIX%'] } } }, { TASKHUB_NAME: 'MyHub', SUFFIX: 'y' });
    expect(config.durableTask).toEqual({ hubName: 'MyHub', tags: ['x-y'] });
    expect(config.get('extensions.durableTask.hubName')).toBe('MyHub');
  });

  test('an unset %NAME% is an error naming the file, the key and the setting', () => {
    expect(() => parse({ version: '2.0', extensions: { durableTask: { hubName: '%TASKHUB_NAME%' } } })).toThrow(
      '/app/host.json: "extensions.durableTask.hubName" refers to the app setting %TASKHUB_NAME%, which is not set.',
    );
  });

  test('AzureFunctionsJobHost__ settings override host.json values, matching the path case-insensitively', () => {
    const config = parse(
      { version: '2.0', extensions: { durableTask: { hubName: 'FromFile', storageProvider: { type: 'AzureStorage' } } } },
      {
        AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged',
        AZUREFUNCTIONSJOBHOST__EXTENSIONS__DURABLETASK__HUBNAME: 'FromSetting',
        AzureFunctionsJobHost__extensions__http__routePrefix: 'custom',
      },
    );
    expect(config.durableTask).toEqual({ hubName: 'FromSetting', storageProvider: { type: 'azureManaged' } });
    expect(config.routePrefix).toBe('custom');
  });

  test('overrides create missing sections, and their values are substituted too', () => {
    const config = parse({ version: '2.0' }, { AzureFunctionsJobHost__extensions__durableTask__hubName: '%HUB%', HUB: 'Substituted', 'AzureFunctionsJobHost:functionTimeout': '00:00:30' });
    expect(config.durableTask).toEqual({ hubName: 'Substituted' });
    expect(config.functionTimeoutMs).toBe(30_000);
  });

  test.each([
    ['{ "version": "2.0", ', /host\.json: is not valid JSON/],
    ['[]', /must hold a JSON object/],
    ['{ "version": "1.0" }', /"version" must be "2.0".*but is "1.0"/],
    ['{}', /"version" must be "2.0"/],
    ['{ "version": "2.0", "functionTimeout": "soon" }', /"functionTimeout" must be a time span such as "00:05:00".*but is "soon"/],
    ['{ "version": "2.0", "extensions": { "http": { "routePrefix": 5 } } }', /"extensions.http.routePrefix" must be a string/],
    ['{ "version": "2.0", "extensions": { "durableTask": "on" } }', /"extensions.durableTask" must be an object/],
  ])('rejects %s naming the file and what is expected', (text, message) => {
    expect(() => parseHostConfig(text, SOURCE, {})).toThrow(HostConfigError);
    expect(() => parseHostConfig(text, SOURCE, {})).toThrow(message);
  });
});
