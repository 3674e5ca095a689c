// The orchestrator trigger input and history as durable-functions reads them
// (specs/durable-functions-protocol.md §2.1, §2.2, §2.3, §4.3, §5.2, §9.12).

import type { HistoryEvent } from '../../../src/core';
import { renderEvent, type RenderContext } from '../../../src/durable-functions/history-rendering';
import { inProcessingOrder } from '../../../src/durable-functions/replay-history';
import { OrchestrationDriver, T0 } from './support/orchestration-driver';

const iso = (ms: number) => new Date(ms).toISOString();
const context: RenderContext = { instanceId: 'parent', executionId: 'exec-1', scheduledNames: new Map([[0, 'Boom'], [1, 'Child'], [2, 'BuiltIn::HttpActivity']]) };
const at = <T extends object>(body: T, eventId = -1) => ({ eventId, timestamp: iso(T0), ...body }) as unknown as HistoryEvent;

describe('trigger payload (§2.1)', () => {
  it('sends schema V2/V4, the input as a JSON value, the parent and timer settings that keep every timer one id (§8 option a)', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      return { input: context.df.getInput(), parent: context.df.parentInstanceId };
    }, { input: { city: 'Tokyo' }, parentInstanceId: 'the-parent' });
    await driver.episode();
    const payload = driver.invocations[0];
    expect(payload).toMatchObject({
      input: { city: 'Tokyo' },
      instanceId: 'instance-1',
      isReplaying: false,
      parentInstanceId: 'the-parent',
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 3,
      longRunningTimerIntervalDuration: '3.00:00:00',
      maximumShortTimerDuration: '3650000.00:00:00',
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    });
    expect(driver.output).toEqual({ input: { city: 'Tokyo' }, parent: 'the-parent' });
  });

  it('passes null when the orchestration has no input, as .NET does', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      return context.df.getInput() === null;
    });
    await driver.episode();
    expect(driver.invocations[0].input).toBeNull();
    expect(driver.output).toBe(true);
  });
});

describe('trigger payload as JSON text', () => {
  it('is exactly JSON.stringify of the trigger input in every episode, though each event is rendered once and reused', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      let failed = '';
      try {
        yield context.df.callActivity('Boom', 1);
      } catch (error) {
        failed = (error as Error).message;
      }
      const second = yield context.df.callActivity('Hello', 'Tokyo');
      return [failed, second];
    });
    await driver.episode();
    driver.advance(1000).failTask(0, 'it broke');
    await driver.episode();
    driver.advance(1000).completeTask(1, 'Hello Tokyo');
    await driver.episode();
    expect(driver.output).toEqual([expect.stringContaining('it broke'), 'Hello Tokyo']);
    expect(driver.triggerJson).toHaveLength(driver.invocations.length);
    driver.invocations.forEach((input, i) => expect(driver.triggerJson[i]).toBe(JSON.stringify(input)));
  });
});

describe('history rendering (§2.2, §2.3)', () => {
  it('renders PascalCase events with DTFx numbers, ISO timestamps with Z, and IsPlayed only for past episodes', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      return yield context.df.callActivity('Hello', 'Tokyo');
    });
    await driver.episode();
    driver.advance(1500).completeTask(0, 'Hello Tokyo');
    await driver.episode();
    const history = driver.invocations[1].history;
    expect(history.map((e) => [e.EventType, e.EventId, e.IsPlayed])).toEqual([
      [12, -1, true], // OrchestratorStarted
      [0, -1, true], // ExecutionStarted
      [4, 0, true], // TaskScheduled
      [13, -1, true], // OrchestratorCompleted
      [12, -1, false], // this episode's OrchestratorStarted
      [5, -1, false], // TaskCompleted
    ]);
    expect(history[0].Timestamp).toBe('2024-01-01T00:00:00.000Z');
    expect(history[4].Timestamp).toBe('2024-01-01T00:00:01.500Z');
    expect(history[1]).toMatchObject({ Name: 'Orch', Input: null, OrchestrationInstance: { InstanceId: 'instance-1', ExecutionId: 'exec-1' } });
    expect(history[2]).toMatchObject({ Name: 'Hello', Input: '"Tokyo"' });
    expect(history[5]).toMatchObject({ TaskScheduledId: 0, Result: '"Hello Tokyo"' });
    expect(driver.output).toBe('Hello Tokyo');
  });

  it('renders a missing result as JSON null, which the library parses to null (§2.5)', () => {
    expect(renderEvent(at({ type: 'taskCompleted', taskScheduledId: 0 }), false, context)).toMatchObject({ EventType: 5, Result: null });
  });

  it('renders timers with their fire time (§2.2, §8)', () => {
    expect(renderEvent(at({ type: 'timerCreated', fireAt: iso(T0 + 1000) }, 3), true, context)).toMatchObject({ EventType: 10, EventId: 3, FireAt: '2024-01-01T00:00:01.000Z' });
    expect(renderEvent(at({ type: 'timerFired', timerId: 3, fireAt: iso(T0 + 1000) }), false, context)).toMatchObject({ EventType: 11, TimerId: 3 });
  });
});

describe('entity events in the legacy shapes JS understands (§4.3)', () => {
  it('renders a call as EventSent whose Input carries the request id, and its response as EventRaised named by it', () => {
    const call = renderEvent(
      at({ type: 'entityOperationCalled', requestId: 'g-1', operation: 'add', input: '5', parentInstanceId: 'parent', parentExecutionId: 'exec-1', targetInstanceId: '@counter@k' }, 4),
      true,
      context,
    );
    expect(call).toMatchObject({ EventType: 14, EventId: 4, InstanceId: '@counter@k', Name: 'op' });
    expect(JSON.parse(call!.Input as string)).toEqual({ op: 'add', input: '5', id: 'g-1', parent: 'parent', parentExecution: 'exec-1' });
    expect(renderEvent(at({ type: 'entityOperationCompleted', requestId: 'g-1', output: '7' }), false, context)).toMatchObject({
      EventType: 15,
      Name: 'g-1',
      Input: '{"result":"7"}',
    });
  });

  it('renders an operation failure so the library throws an Error with the message', () => {
    const raised = renderEvent(at({ type: 'entityOperationFailed', requestId: 'g-2', failureDetails: { errorType: 'Error', errorMessage: 'entity boom' } }), false, context);
    expect(JSON.parse(raised!.Input as string)).toEqual({ result: '"entity boom"', exceptionType: 'Error' });
  });

  it('renders signals, lock requests, grants and releases', () => {
    const signal = renderEvent(at({ type: 'entityOperationSignaled', requestId: 's-1', operation: 'ping', targetInstanceId: '@counter@k' }, 0), true, context);
    expect(JSON.parse(signal!.Input as string)).toMatchObject({ op: 'ping', signal: true, id: 's-1', parent: 'parent' });
    const lock = renderEvent(
      at({ type: 'entityLockRequested', criticalSectionId: 'lock-1', lockSet: ['@account@a', '@account@b'], position: 0, parentInstanceId: 'parent' }, 1),
      true,
      context,
    );
    expect(lock).toMatchObject({ EventType: 14, EventId: 1, InstanceId: '@account@a' });
    expect(JSON.parse(lock!.Input as string)).toEqual({
      id: 'lock-1',
      parent: 'parent',
      parentExecution: 'exec-1',
      lockset: [{ name: 'account', key: 'a' }, { name: 'account', key: 'b' }],
      pos: 0,
    });
    expect(renderEvent(at({ type: 'entityLockGranted', criticalSectionId: 'lock-1' }), false, context)).toMatchObject({ EventType: 15, Name: 'lock-1' });
    const release = renderEvent(at({ type: 'entityUnlockSent', criticalSectionId: 'lock-1', parentInstanceId: 'parent', targetInstanceId: '@account@b' }, 3), true, context);
    expect(release).toMatchObject({ EventType: 14, EventId: 3, InstanceId: '@account@b', Name: 'release' });
    expect(JSON.parse(release!.Input as string)).toEqual({ parent: 'parent', id: 'lock-1' });
  });
});

describe('failure events (§5.2)', () => {
  it('words activity failures as the extension does, with a string Details', () => {
    const failed = renderEvent(at({ type: 'taskFailed', taskScheduledId: 0, failureDetails: { errorType: 'Error', errorMessage: 'kaboom', stackTrace: 'Error: kaboom\n    at x' } }), false, context);
    expect(failed).toMatchObject({ EventType: 6, TaskScheduledId: 0, Reason: "Activity function 'Boom' failed: kaboom", FailureDetails: null });
    expect(JSON.parse(failed!.Details as string)).toEqual({ $type: 'System.Exception', Message: 'kaboom', StackTraceString: 'Error: kaboom\n    at x' });
  });

  it('words sub-orchestration failures as "Orchestrator function \'<child>\' failed"', () => {
    const failed = renderEvent(at({ type: 'subOrchestrationInstanceFailed', taskScheduledId: 1, failureDetails: { errorType: 'Error', errorMessage: 'child boom' } }), false, context);
    expect(failed).toMatchObject({ EventType: 9, Reason: "Orchestrator function 'Child' failed: child boom" });
    expect(typeof failed!.Details).toBe('string');
  });

  it('passes built-in activity failures through verbatim (§9.6)', () => {
    const failed = renderEvent(at({ type: 'taskFailed', taskScheduledId: 2, failureDetails: { errorType: 'HttpActivityError', errorMessage: 'connect refused' } }), false, context);
    expect(failed).toMatchObject({ Reason: 'connect refused', Details: '' });
  });

  it('adds typed FailureDetails when an ExceptionPropertiesProvider supplied properties (§5.3)', () => {
    const failed = renderEvent(
      at({ type: 'taskFailed', taskScheduledId: 0, failureDetails: { errorType: 'Error', errorMessage: 'kaboom', properties: { code: 42 }, isNonRetriable: false } }),
      false,
      context,
    );
    expect(failed!.FailureDetails).toEqual({ ErrorType: 'Error', ErrorMessage: 'kaboom', StackTrace: null, IsNonRetriable: false, Properties: { code: 42 }, InnerFailure: null });
  });
});

describe('suspend and resume (§9.12)', () => {
  const suspended = at({ type: 'executionSuspended' });
  const raised = at({ type: 'eventRaised', name: 'E', input: '1' });
  const started = at({ type: 'orchestratorStarted' });
  const resumed = at({ type: 'executionResumed' });

  it('moves events that arrived while suspended to just after the resume', () => {
    expect(inProcessingOrder([suspended, raised, started, resumed])).toEqual([suspended, started, resumed, raised]);
  });

  it('withholds them while the instance is still suspended', () => {
    expect(inProcessingOrder([suspended, raised])).toEqual([suspended]);
  });

  it('lets the orchestrator see an event raised while suspended as new in the resume episode', async () => {
    const driver = new OrchestrationDriver(function* (context: any) {
      const value = yield context.df.waitForExternalEvent('Approve');
      if (!context.df.isReplaying) context.log(`approved with ${value}`);
      return value;
    });
    await driver.episode();
    driver.suspend().raise('Approve', 'yes');
    driver.advance(1000).resume();
    await driver.episode();
    expect(driver.output).toBe('yes');
    const history = driver.invocations[1].history;
    expect(history.map((e) => e.EventType).slice(-3)).toEqual([12, 20, 15]); // OrchestratorStarted, ExecutionResumed, EventRaised
    expect(history[history.length - 1].IsPlayed).toBe(false);
    expect(driver.logs).toEqual(['approved with yes']);
  });
});
