// The durableClient binding payload (specs/durable-functions-protocol.md §6.1) as durable-functions reads it.
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { checkStatusPayload, durableClientPayload } from '../../../src/http-api/management-urls';

const settings = { taskHubName: 'MyHub', connectionName: 'Storage' };
const rpc = 'http://127.0.0.1:40001/durabletask/';

function clientFor(payload: unknown) {
  const input = df.input.durableClient();
  const context = new InvocationContext({ options: { extraInputs: [input] } });
  context.extraInputs.set(input, payload);
  return df.getClient(context);
}

describe('durableClientPayload', () => {
  it('has every field of §6.1, with the INSTANCEID placeholder and an rpcBaseUrl ending in /', () => {
    const payload = durableClientPayload('http://localhost:7072', settings, rpc);
    expect(payload).toEqual({
      taskHubName: 'MyHub',
      connectionName: null,
      creationUrls: {
        createNewInstancePostUri: 'http://localhost:7072/runtime/webhooks/durabletask/orchestrators/{functionName}[/{instanceId}]',
        createAndWaitOnNewInstancePostUri:
          'http://localhost:7072/runtime/webhooks/durabletask/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}',
      },
      managementUrls: {
        id: 'INSTANCEID',
        statusQueryGetUri: 'http://localhost:7072/runtime/webhooks/durabletask/instances/INSTANCEID?taskHub=MyHub&connection=Storage',
        sendEventPostUri: 'http://localhost:7072/runtime/webhooks/durabletask/instances/INSTANCEID/raiseEvent/{eventName}?taskHub=MyHub&connection=Storage',
        terminatePostUri: 'http://localhost:7072/runtime/webhooks/durabletask/instances/INSTANCEID/terminate?reason={text}&taskHub=MyHub&connection=Storage',
        rewindPostUri: 'http://localhost:7072/runtime/webhooks/durabletask/instances/INSTANCEID/rewind?reason={text}&taskHub=MyHub&connection=Storage',
        purgeHistoryDeleteUri: 'http://localhost:7072/runtime/webhooks/durabletask/instances/INSTANCEID?taskHub=MyHub&connection=Storage',
        restartPostUri: 'http://localhost:7072/runtime/webhooks/durabletask/instances/INSTANCEID/restart?taskHub=MyHub&connection=Storage',
        suspendPostUri: 'http://localhost:7072/runtime/webhooks/durabletask/instances/INSTANCEID/suspend?reason={text}&taskHub=MyHub&connection=Storage',
        resumePostUri: 'http://localhost:7072/runtime/webhooks/durabletask/instances/INSTANCEID/resume?reason={text}&taskHub=MyHub&connection=Storage',
      },
      baseUrl: 'http://localhost:7072/runtime/webhooks/durabletask',
      requiredQueryStringParameters: '',
      rpcBaseUrl: rpc,
      httpBaseUrl: null,
    });
  });

  it('carries the system key in every URL and in requiredQueryStringParameters when keys are required', () => {
    const payload = durableClientPayload('http://localhost:7071', { ...settings, systemKey: 'k/ey+1' }, rpc);
    expect(payload.requiredQueryStringParameters).toBe('code=k%2Fey%2B1');
    for (const url of [...Object.values(payload.creationUrls), ...Object.values(payload.managementUrls).slice(1)]) {
      expect(url).toContain('code=k%2Fey%2B1');
    }
  });

  it('refuses an rpcBaseUrl without the trailing / that durable-functions resolves against', () => {
    expect(() => durableClientPayload('http://localhost:7071', settings, 'http://127.0.0.1:1/durabletask')).toThrow(/must end with '\/'/);
  });

  describe('read by durable-functions getClient', () => {
    const saved = process.env.WEBSITE_HOSTNAME;
    afterEach(() => {
      if (saved === undefined) delete process.env.WEBSITE_HOSTNAME;
      else process.env.WEBSITE_HOSTNAME = saved;
    });

    it('keeps the port of our URLs when WEBSITE_HOSTNAME is set for the app', () => {
      process.env.WEBSITE_HOSTNAME = 'localhost:7072'; // what the host sets for the app
      const client = clientFor(durableClientPayload('http://localhost:7072', settings, rpc));
      expect(client.createHttpManagementPayload('order 1').statusQueryGetUri).toBe(
        'http://localhost:7072/runtime/webhooks/durabletask/instances/order 1?taskHub=MyHub&connection=Storage',
      );
    });

    it('is rewritten to localhost:7071 when WEBSITE_HOSTNAME is unset (the trap the host avoids by setting it)', () => {
      delete process.env.WEBSITE_HOSTNAME;
      const client = clientFor(durableClientPayload('http://localhost:7072', settings, rpc));
      expect(client.createHttpManagementPayload('x').statusQueryGetUri).toMatch(/^http:\/\/localhost:7071\//);
    });
  });
});

describe('checkStatusPayload', () => {
  it('is the management links without rewind, with the instance id encoded', () => {
    const body = checkStatusPayload('http://h:1', settings, 'a b');
    expect(Object.keys(body)).toEqual([
      'id',
      'statusQueryGetUri',
      'sendEventPostUri',
      'terminatePostUri',
      'purgeHistoryDeleteUri',
      'restartPostUri',
      'suspendPostUri',
      'resumePostUri',
    ]);
    expect(body.statusQueryGetUri).toBe('http://h:1/runtime/webhooks/durabletask/instances/a%20b?taskHub=MyHub&connection=Storage');
  });
});
