// host.json mistakes the real host starts with anyway get one warning line each.
import { hostConfigWarnings } from '../../../src/functions-host/host-config-warnings';
import { parseHostConfig } from '../../../src/functions-host/host-config';

const SOURCE = '/app/host.json';
const warningsFor = (extensions: unknown, env: NodeJS.ProcessEnv = {}) =>
  hostConfigWarnings(parseHostConfig(JSON.stringify({ version: '2.0', extensions }), SOURCE, env));

test('known sections, in any case, give no warning', () => {
  expect(warningsFor({ DurableTask: {}, http: {}, queues: {}, serviceBus: {}, eventHubs: {}, cosmosDB: {}, blobs: {} })).toEqual([]);
  expect(warningsFor(undefined)).toEqual([]);
});

test('an unknown section is named, with the known section it resembles', () => {
  const [warning, ...rest] = warningsFor({ durableTsk: {}, http: {} });
  expect(rest).toEqual([]);
  expect(warning).toMatch(/^\/app\/host\.json: "extensions\.durableTsk" is not a section of any known extension, so it is ignored; did you mean "durableTask"\? Known sections: blobs, /);
  expect(warningsFor({ myCustomThing: {} })[0]).toContain('"extensions.myCustomThing" is not a section of any known extension, so it is ignored. Known sections:');
});

test('a section created by an AzureFunctionsJobHost__ setting is checked too', () => {
  expect(warningsFor({}, { AzureFunctionsJobHost__extensions__serviceBuss__prefetchCount: '1' })[0]).toContain('did you mean "serviceBus"?');
});

test('a missing host.json is named once', () => {
  expect(hostConfigWarnings(parseHostConfig(undefined, SOURCE, {}))).toEqual([
    `${SOURCE}: not found, so the host's defaults apply (routes under /api, durable storage AzureStorage). Create it with {"version": "2.0"}, or start in the app's folder, the one that holds host.json.`,
  ]);
});
