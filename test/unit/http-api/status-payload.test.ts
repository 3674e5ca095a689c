// StatusResponsePayload (specs/durable-functions-protocol.md §7 "Status payload").
import { toStatusPayload } from '../../../src/http-api/status-payload';
import { formatStatusTime, parseStoredJson } from '../../../src/http-api/stored-json';
import type { OrchestrationState } from '../../../src/taskhub';

const state = (patch: Partial<OrchestrationState> = {}): OrchestrationState => ({
  instanceId: 'abc',
  name: 'Hello',
  executionId: 'e1',
  status: 'Running',
  createdAt: '2024-01-01T08:00:01.250Z',
  lastUpdatedAt: '2024-01-01T08:00:02.999Z',
  input: '{"city":"Tokyo"}',
  ...patch,
});

describe('toStatusPayload', () => {
  it('has the extension keys with JSON values and yyyy-MM-ddTHH:mm:ssZ times', () => {
    expect(toStatusPayload(state({ customStatus: '"step 2"' }), { showInput: true })).toEqual({
      name: 'Hello',
      instanceId: 'abc',
      runtimeStatus: 'Running',
      input: { city: 'Tokyo' },
      customStatus: 'step 2',
      output: null,
      createdTime: '2024-01-01T08:00:01Z',
      lastUpdatedTime: '2024-01-01T08:00:02Z',
    });
  });

  it('keeps input and output keys present as null, which durable-functions requires (§6.2)', () => {
    const payload = toStatusPayload(state({ input: undefined }), { showInput: true });
    expect(payload).toHaveProperty('input', null);
    expect(payload).toHaveProperty('output', null);
  });

  it('hides the input with showInput=false', () => {
    expect(toStatusPayload(state(), { showInput: false }).input).toBeNull();
  });

  it('returns a raw terminate reason as a string', () => {
    expect(toStatusPayload(state({ status: 'Terminated', output: 'no longer needed' }), { showInput: true }).output).toBe('no longer needed');
  });

  it("shows a failed instance's output as \"Orchestrator function '<name>' failed: <error>\" when the hub keeps only failure details", () => {
    const failed = state({ status: 'Failed', failureDetails: { errorType: 'Error', errorMessage: 'kaboom' } });
    expect(toStatusPayload(failed, { showInput: true }).output).toBe("Orchestrator function 'Hello' failed: kaboom");
    expect(toStatusPayload({ ...failed, output: '"stored"' }, { showInput: true }).output).toBe('stored');
  });

  it('sends history under both historyEvents (the extension) and history (durable-functions, js#620)', () => {
    const history = [
      { type: 'orchestratorStarted' as const, eventId: -1, timestamp: '2024-01-01T08:00:01.000Z' },
      {
        type: 'executionStarted' as const,
        eventId: -1,
        timestamp: '2024-01-01T08:00:01.000Z',
        name: 'Hello',
        orchestrationInstance: { instanceId: 'abc', executionId: 'e1' },
      },
    ];
    const payload = toStatusPayload(state({ history }), { showInput: true, history: { showHistoryOutput: false } });
    expect(payload.historyEvents).toEqual([{ EventType: 'ExecutionStarted', Timestamp: '2024-01-01T08:00:01.000Z', FunctionName: 'Hello' }]);
    expect(payload.history).toEqual(payload.historyEvents);
  });

  it('shows no history for a Pending instance, as the extension does not read it', () => {
    const payload = toStatusPayload(state({ status: 'Pending', history: [] }), { showInput: true, history: { showHistoryOutput: true } });
    expect(payload).not.toHaveProperty('historyEvents');
  });
});

describe('parseStoredJson', () => {
  it('follows ParseToJToken: null for absent, "" for blank, the raw string when it is not JSON', () => {
    expect(parseStoredJson(undefined)).toBeNull();
    expect(parseStoredJson('   ')).toBe('');
    expect(parseStoredJson(' [1,2] ')).toEqual([1, 2]);
    expect(parseStoredJson('plain words')).toBe('plain words');
  });
});

describe('formatStatusTime', () => {
  it('drops fractions of a second', () => {
    expect(formatStatusTime('2024-12-31T23:59:59.999Z')).toBe('2024-12-31T23:59:59Z');
  });
});
