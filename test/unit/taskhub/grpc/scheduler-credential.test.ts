// specs/backends.md B6: bearer tokens for https://durabletask.io/.default, cached and refreshed 5 minutes before
// they expire; concurrent calls share one request.
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { ManualClock } from '../../../../src/core';
import { SCHEDULER_DATA_ROLE, SCHEDULER_TOKEN_SCOPE, SchedulerTokenSource, TOKEN_REFRESH_MARGIN_MS } from '../../../../src/taskhub/grpc';

const HOUR = 60 * 60 * 1000;

/** Issues token-1, token-2, … each valid for an hour from the clock's now, and records the scopes asked for. */
class FakeCredential implements TokenCredential {
  readonly requests: string[][] = [];
  failWith: Error | undefined;
  private pending: Array<() => void> = [];
  holdRequests = false;

  constructor(private readonly clock: ManualClock) {}

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken | null> {
    this.requests.push([scopes].flat());
    if (this.holdRequests) await new Promise<void>((resolve) => this.pending.push(resolve));
    if (this.failWith) throw this.failWith;
    return { token: `token-${this.requests.length}`, expiresOnTimestamp: this.clock.now() + HOUR };
  }

  release(): void {
    for (const resolve of this.pending.splice(0)) resolve();
  }
}

describe('SchedulerTokenSource', () => {
  let clock: ManualClock;
  let credential: FakeCredential;
  let tokens: SchedulerTokenSource;

  beforeEach(() => {
    clock = new ManualClock();
    credential = new FakeCredential(clock);
    tokens = new SchedulerTokenSource(credential, 'Authentication=ManagedIdentity in DTS', clock);
  });

  it('asks for the Scheduler scope and reuses the token while it is fresh', async () => {
    expect(await tokens.token()).toBe('token-1');
    clock.advance(HOUR - TOKEN_REFRESH_MARGIN_MS - 1);
    expect(await tokens.token()).toBe('token-1');
    expect(credential.requests).toEqual([[SCHEDULER_TOKEN_SCOPE]]);
  });

  it('fetches a new token once the refresh margin before expiry is reached', async () => {
    await tokens.token();
    clock.advance(HOUR - TOKEN_REFRESH_MARGIN_MS);
    expect(await tokens.token()).toBe('token-2');
    expect(credential.requests).toHaveLength(2);
  });

  it('refreshes when the credential asks for it with refreshAfterTimestamp', async () => {
    const early: TokenCredential = {
      getToken: async () => ({ token: `early-${clock.now()}`, expiresOnTimestamp: clock.now() + HOUR, refreshAfterTimestamp: clock.now() + 1000 }),
    };
    const source = new SchedulerTokenSource(early, 'test', clock);
    const first = await source.token();
    clock.advance(1000);
    expect(await source.token()).not.toBe(first);
  });

  it('makes one request for concurrent callers', async () => {
    credential.holdRequests = true;
    const both = Promise.all([tokens.token(), tokens.token()]);
    credential.release();
    expect(await both).toEqual(['token-1', 'token-1']);
    expect(credential.requests).toHaveLength(1);
  });

  it('explains a refused credential with the role the identity needs, and tries again on the next call', async () => {
    credential.failWith = new Error('ManagedIdentityCredential: no managed identity endpoint found.');
    await expect(tokens.token()).rejects.toThrow(
      /Could not get a token for https:\/\/durabletask.io\/.default with Authentication=ManagedIdentity in DTS: ManagedIdentityCredential: no managed identity endpoint found\..*Durable Task Data Contributor/,
    );
    expect(SCHEDULER_DATA_ROLE).toBe('Durable Task Data Contributor');
    credential.failWith = undefined;
    expect(await tokens.token()).toBe('token-2');
  });
});
