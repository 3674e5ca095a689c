// One in-process test environment per test file over a fixture app, plus the switches the fixture reads.
import path from 'node:path';
import { appGlobal, createTestEnvironment, type TestEnvironment } from '../../src/testing';

export interface FixtureFlags {
  nondeterministic: boolean;
  failFlaky: boolean;
  attempts: Map<string, number>;
}

export function fixtureAppDir(name: string): string {
  return path.join(__dirname, '..', 'fixtures', 'apps', name);
}

export function fixtureFlags(): FixtureFlags {
  // The app's modules run in Node's own realm, not the jest sandbox: share the flags through its global.
  const holder = appGlobal as { __durableTestFlags?: FixtureFlags };
  holder.__durableTestFlags ??= { nondeterministic: false, failFlaky: false, attempts: new Map() };
  return holder.__durableTestFlags;
}

export async function startFixture(name: string, options: { timeSkipping?: boolean } = {}): Promise<TestEnvironment> {
  return createTestEnvironment({ appDir: fixtureAppDir(name), timeSkipping: options.timeSkipping ?? true });
}

export { eventually } from './wait-for';
