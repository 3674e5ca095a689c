// Activity inputs and outcomes (specs/durable-functions-protocol.md §3.3 footnote, §5.1–5.3).

import { runInNewContext } from 'node:vm';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { ActivityWorkItem } from '../../../src/core';
import { activityResult, activityTriggerInput } from '../../../src/durable-functions';
import { OrchestrationDriver } from './support/orchestration-driver';

const item = (input?: string): ActivityWorkItem => ({ kind: 'activity', name: 'Hello', input, instanceId: 'i', executionId: 'e', taskId: 3, completionToken: 't' });

describe('trigger input (§5.1)', () => {
  it('hands the handler the value the orchestrator passed, whatever its type', async () => {
    const inputs = ['Tokyo', { x: 1 }, 5, '{"looks":"like JSON"}', null];
    const driver = new OrchestrationDriver(function* (context: any) {
      yield context.df.Task.all(inputs.map((input) => context.df.callActivity('Echo', input)));
    });
    const actions = await driver.episode();
    const received = actions.map((action) => activityTriggerInput(item((action as { input?: string }).input)));
    expect(received).toEqual(inputs);
  });

  it('is undefined when the activity was called without input, and raw text when the input is not JSON', () => {
    expect(activityTriggerInput(item())).toBeUndefined();
    expect(activityTriggerInput(item('plain words'))).toBe('plain words');
  });
});

describe('result (§5.1)', () => {
  it('serializes the return value and leaves undefined absent', () => {
    expect(activityResult(item(), { value: { ok: true } })).toEqual({ instanceId: 'i', taskId: 3, completionToken: 't', result: '{"ok":true}' });
    expect(activityResult(item(), { value: undefined })).toEqual({ instanceId: 'i', taskId: 3, completionToken: 't', result: undefined });
  });

  it('fails the activity when the return value cannot be serialized', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const { failureDetails } = activityResult(item(), { value: circular });
    expect(failureDetails?.errorMessage).toMatch(/^The activity's return value cannot be serialized to JSON: Converting circular structure/);
  });
});

describe('errors (§5.2, §5.3)', () => {
  it('keeps the thrown error\'s type, message and stack', () => {
    const error = new RangeError('kaboom');
    expect(activityResult(item(), { error }).failureDetails).toEqual({ errorType: 'RangeError', errorMessage: 'kaboom', stackTrace: error.stack });
  });

  it('reads errors thrown in another realm (the app runs on Node\'s own loader) by their shape', () => {
    const foreign = runInNewContext('new TypeError("from the app realm")') as Error;
    expect(foreign instanceof Error).toBe(false);
    expect(activityResult(item(), { error: foreign }).failureDetails).toMatchObject({ errorType: 'TypeError', errorMessage: 'from the app realm' });
  });

  it('unpacks the JSON an ExceptionPropertiesProvider puts in the message, so the orchestrator gets a TaskFailedError with properties', async () => {
    df.app.setExceptionPropertiesProvider({ getExceptionProperties: () => ({ code: 42 }) });
    try {
      // The wrapper df.app.activity registers (not in the public typings).
      const handler = (df.app as unknown as { wrapActivityHandler: (fn: () => never) => (input: unknown, context: InvocationContext) => Promise<unknown> }).wrapActivityHandler(() => {
        throw new Error('kaboom');
      });
      let thrown: unknown;
      try {
        await handler('in', new InvocationContext());
      } catch (error) {
        thrown = error;
      }
      const { failureDetails } = activityResult(item(), { error: thrown });
      expect(failureDetails).toMatchObject({ errorType: 'Error', errorMessage: 'kaboom', isNonRetriable: false, properties: { code: 42 } });

      const driver = new OrchestrationDriver(function* (context: any) {
        try {
          yield context.df.callActivity('Boom');
        } catch (error) {
          return { isTaskFailedError: error instanceof df.TaskFailedError, message: (error as Error).message, code: (error as df.TaskFailedError).failureDetails.properties?.code };
        }
      });
      await driver.episode();
      driver.failTaskWith(0, failureDetails!);
      await driver.episode();
      expect(driver.output).toEqual({ isTaskFailedError: true, message: 'Error: kaboom', code: 42 });
    } finally {
      df.app.setExceptionPropertiesProvider(undefined as never);
    }
  });
});
