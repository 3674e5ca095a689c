// specs/backends.md B5 (grammar, keys case-insensitive, Authentication values) and B7 (TLS by scheme).
import { parseSchedulerConnectionString, resolveSchedulerTaskHub, SchedulerSettingError } from '../../../../src/taskhub/grpc';

const SETTING = 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING';
const parse = (text: string | undefined) => parseSchedulerConnectionString(text, SETTING);
const problem = (text: string | undefined) => {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(SchedulerSettingError);
    return (error as Error).message;
  }
  throw new Error(`'${text}' was accepted`);
};

describe('Scheduler connection string', () => {
  it('reads the emulator form as plaintext with no credential', () => {
    expect(parse('Endpoint=http://localhost:8080;Authentication=None;TaskHub=default')).toEqual({
      endpoint: 'http://localhost:8080',
      address: 'localhost:8080',
      useTls: false,
      authentication: 'None',
      taskHub: 'default',
    });
  });

  it('matches keys and Authentication values in any casing, and keeps the identity settings', () => {
    const connection = parse(
      ' endpoint = https://my.westus2.durabletask.io ; AUTHENTICATION=workloadidentity;clientid=abc;TENANTID=t1;TokenFilePath=/var/run/token;AdditionallyAllowedTenants=a, b;',
    );
    expect(connection).toMatchObject({
      address: 'my.westus2.durabletask.io:443',
      useTls: true,
      authentication: 'WorkloadIdentity',
      clientId: 'abc',
      tenantId: 't1',
      tokenFilePath: '/var/run/token',
      additionallyAllowedTenants: ['a', 'b'],
    });
    expect(connection.taskHub).toBeUndefined();
  });

  it('uses TLS for https and for an endpoint without a scheme, as .NET does (B7)', () => {
    expect(parse('Endpoint=my.durabletask.io;Authentication=ManagedIdentity')).toMatchObject({ endpoint: 'https://my.durabletask.io', address: 'my.durabletask.io:443', useTls: true });
    expect(parse('Endpoint=https://my.durabletask.io:9443/;Authentication=DefaultAzure')).toMatchObject({ address: 'my.durabletask.io:9443', useTls: true });
  });

  it.each([
    [undefined, `${SETTING} is not set`],
    ['Authentication=None;TaskHub=x', 'has no Endpoint'],
    ['Endpoint=http://localhost:8080;TaskHub=x', 'has no Authentication'],
    ['Endpoint=http://localhost:8080;Authentication=Password', "unknown Authentication 'Password'"],
    ['Endpoint=http://local host:80;Authentication=None', 'not a URL'],
    ['Endpoint=ftp://localhost;Authentication=None', "scheme 'ftp'"],
    ['Endpoint=http://my.durabletask.io;Authentication=DefaultAzure', 'Tokens are only sent over TLS'],
  ])('refuses %p, naming the setting', (text, expected) => {
    const message = problem(text);
    expect(message).toContain(SETTING);
    expect(message).toContain(expected);
  });
});

describe('Scheduler task hub name', () => {
  const sources = (hubName: string | undefined, connectionString: string, settings: Record<string, string> = {}) => ({
    hubName,
    hostJsonSource: '/app/host.json',
    settings,
    connection: parse(connectionString),
    connectionSettingName: SETTING,
  });
  const emulator = 'Endpoint=http://localhost:8080;Authentication=None';

  it('takes hubName with its %SETTING% resolved, or the connection string TaskHub, when only one is given', () => {
    expect(resolveSchedulerTaskHub(sources('%TASKHUB_NAME%', emulator, { TASKHUB_NAME: 'orders' }))).toBe('orders');
    expect(resolveSchedulerTaskHub(sources(undefined, `${emulator};TaskHub=default`))).toBe('default');
  });

  it('accepts both when they agree', () => {
    expect(resolveSchedulerTaskHub(sources('%TASKHUB_NAME%', `${emulator};TaskHub=Default`, { TASKHUB_NAME: 'default' }))).toBe('default');
  });

  it('refuses a disagreement, saying which value came from where', () => {
    expect(() => resolveSchedulerTaskHub(sources('%TASKHUB_NAME%', `${emulator};TaskHub=default`, { TASKHUB_NAME: 'SampleHub' }))).toThrow(
      `The app setting ${SETTING} says TaskHub=default, but /app/host.json extensions.durableTask.hubName is 'SampleHub' (from %TASKHUB_NAME%).`,
    );
  });

  it('names the missing app setting a %reference% points at, and asks for a hub when none is named', () => {
    expect(() => resolveSchedulerTaskHub(sources('%TASKHUB_NAME%', emulator))).toThrow('The app setting TASKHUB_NAME is not set');
    expect(() => resolveSchedulerTaskHub(sources(undefined, emulator))).toThrow('has no TaskHub, and /app/host.json sets no extensions.durableTask.hubName');
  });
});
