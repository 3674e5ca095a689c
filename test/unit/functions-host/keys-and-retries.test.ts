// Function keys (--require-keys) and function retry policies.
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isAuthorized, keysFile, loadOrCreateFunctionKeys, type FunctionKeys } from '../../../src/functions-host/function-keys';
import { retryPolicyOf, runWithRetries } from '../../../src/functions-host/retry-policy';

describe('function keys', () => {
  const keys: FunctionKeys = { masterKey: 'master', functionKeys: { default: 'fn' }, systemKeys: { durabletask_extension: 'sys' } };

  test.each([
    ['anonymous', undefined, true],
    ['function', 'fn', true],
    ['function', 'master', true],
    ['function', 'sys', false],
    ['function', undefined, false],
    ['admin', 'fn', false],
    ['admin', 'master', true],
    ['system', 'sys', true],
    ['system', 'fn', false],
  ] as const)('level %s with key %s: %s', (level, presented, expected) => {
    expect(isAuthorized(level, presented, keys)).toBe(expected);
  });

  test('keys are created once per app folder and read back unchanged; missing system keys are added', async () => {
    const appDir = await mkdtemp(path.join(os.tmpdir(), 'keys-'));
    const first = await loadOrCreateFunctionKeys(appDir);
    expect(first.created).toBe(true);
    expect(first.keys.masterKey).toMatch(/^[A-Za-z0-9_-]{40}$/);
    const second = await loadOrCreateFunctionKeys(appDir, ['durabletask_extension']);
    expect(second.created).toBe(false);
    expect(second.keys.masterKey).toBe(first.keys.masterKey);
    expect(second.keys.systemKeys.durabletask_extension).toBeDefined();
    expect(JSON.parse(await readFile(keysFile(appDir), 'utf8')).systemKeys.durabletask_extension).toBe(second.keys.systemKeys.durabletask_extension);
  });

  test('a corrupt keys file is an error naming the file', async () => {
    const appDir = await mkdtemp(path.join(os.tmpdir(), 'keys-'));
    await mkdir(path.dirname(keysFile(appDir)), { recursive: true });
    await writeFile(keysFile(appDir), '{"masterKey": ""}');
    await expect(loadOrCreateFunctionKeys(appDir)).rejects.toThrow(`${keysFile(appDir)}: "masterKey" must be a non-empty string`);
  });
});

describe('retry policies', () => {
  test('fixedDelay and exponentialBackoff delays', () => {
    expect(retryPolicyOf({ retryStrategy: 'fixedDelay', maxRetryCount: 3, delayInterval: { seconds: 2 } })?.delayMs(3)).toBe(2000);
    const backoff = retryPolicyOf({ retryStrategy: 'exponentialBackoff', maxRetryCount: -1, minimumInterval: { seconds: 1 }, maximumInterval: { seconds: 5 } })!;
    expect([1, 2, 3, 4].map((retry) => backoff.delayMs(retry))).toEqual([1000, 2000, 4000, 5000]);
    expect(retryPolicyOf(undefined)).toBeUndefined();
  });

  test('retries up to maxRetryCount with a retryContext carrying the last error', async () => {
    const contexts: unknown[] = [];
    const policy = retryPolicyOf({ retryStrategy: 'fixedDelay', maxRetryCount: 2, delayInterval: { seconds: 0 } });
    await expect(
      runWithRetries(async (context) => {
        contexts.push(context);
        throw new Error(`failure ${contexts.length}`);
      }, policy, async () => true),
    ).rejects.toThrow('failure 3');
    expect(contexts).toEqual([
      undefined,
      { retryCount: 1, maxRetryCount: 2, exception: expect.objectContaining({ message: 'failure 1' }) },
      { retryCount: 2, maxRetryCount: 2, exception: expect.objectContaining({ message: 'failure 2' }) },
    ]);
  });

  test('stopping the host ends the retries', async () => {
    let attempts = 0;
    const policy = retryPolicyOf({ retryStrategy: 'fixedDelay', maxRetryCount: -1, delayInterval: { seconds: 1 } });
    await expect(runWithRetries(async () => { attempts++; throw new Error('no'); }, policy, async () => false)).rejects.toThrow('no');
    expect(attempts).toBe(1);
  });
});
