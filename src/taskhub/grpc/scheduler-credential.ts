// The Azure identity behind `Authentication=` (specs/backends.md B5), from @azure/identity, and the bearer tokens
// it issues for the Scheduler's scope. Tokens are cached and fetched again 5 minutes before they expire (or when
// the credential says to refresh), as the .NET and JS SDKs' AccessTokenCache do (B6); concurrent callers share
// one request.

import {
  AzureCliCredential,
  AzurePowerShellCredential,
  DefaultAzureCredential,
  EnvironmentCredential,
  InteractiveBrowserCredential,
  ManagedIdentityCredential,
  VisualStudioCodeCredential,
  WorkloadIdentityCredential,
  type AccessToken,
  type TokenCredential,
} from '@azure/identity';
import { errorMessage, systemClock, type Clock } from '../../core';
import type { SchedulerConnection } from './connection-string';
import { SCHEDULER_DATA_ROLE, SchedulerConnectionError } from './scheduler-errors';

/** The Scheduler's token scope (B6: ResourceId `https://durabletask.io`). */
export const SCHEDULER_TOKEN_SCOPE = 'https://durabletask.io/.default';

/** How long before expiry a token is replaced (B6: 5 minutes in .NET and JS). */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** The credential for the connection's `Authentication`, or undefined for `None`. */
export function createSchedulerCredential(connection: SchedulerConnection): TokenCredential | undefined {
  const { clientId, tenantId, tokenFilePath, additionallyAllowedTenants } = connection;
  switch (connection.authentication) {
    case 'None':
      return undefined;
    case 'DefaultAzure':
      return new DefaultAzureCredential({ managedIdentityClientId: clientId, workloadIdentityClientId: clientId, tenantId, additionallyAllowedTenants });
    case 'ManagedIdentity':
      // No ClientID: the system-assigned identity (specs/azure-deployment.md §3.3).
      return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
    case 'WorkloadIdentity':
      return new WorkloadIdentityCredential({ clientId, tenantId, tokenFilePath, additionallyAllowedTenants });
    case 'Environment':
      return new EnvironmentCredential();
    case 'AzureCLI':
      return new AzureCliCredential({ tenantId, additionallyAllowedTenants });
    case 'AzurePowerShell':
      return new AzurePowerShellCredential({ tenantId, additionallyAllowedTenants });
    case 'VisualStudioCode':
      return new VisualStudioCodeCredential({ tenantId, additionallyAllowedTenants });
    case 'InteractiveBrowser':
      return new InteractiveBrowserCredential({ tenantId, clientId, additionallyAllowedTenants });
  }
}

/** Bearer tokens for the Scheduler from one credential, cached until shortly before they expire. */
export class SchedulerTokenSource {
  private cached: AccessToken | undefined;
  private pending: Promise<AccessToken> | undefined;

  constructor(
    private readonly credential: TokenCredential,
    /** Names the credential in errors, e.g. "Authentication=ManagedIdentity in DURABLE_TASK_SCHEDULER_CONNECTION_STRING". */
    private readonly description: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** A token valid for at least the refresh margin. */
  async token(): Promise<string> {
    if (this.cached && !this.dueForRefresh(this.cached)) return this.cached.token;
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return (await this.pending).token;
  }

  private dueForRefresh(token: AccessToken): boolean {
    const horizon = this.clock.now() + TOKEN_REFRESH_MARGIN_MS;
    return token.expiresOnTimestamp <= horizon || (token.refreshAfterTimestamp !== undefined && token.refreshAfterTimestamp <= this.clock.now());
  }

  private async fetch(): Promise<AccessToken> {
    let token: AccessToken | null;
    try {
      token = await this.credential.getToken(SCHEDULER_TOKEN_SCOPE);
    } catch (error) {
      throw new SchedulerConnectionError(
        `Could not get a token for ${SCHEDULER_TOKEN_SCOPE} with ${this.description}: ${errorMessage(error)} ` +
          `Sign in (az login) or fix the identity settings; the identity needs the '${SCHEDULER_DATA_ROLE}' role on the task hub or scheduler.`,
      );
    }
    if (!token) throw new SchedulerConnectionError(`${this.description} returned no token for ${SCHEDULER_TOKEN_SCOPE}.`);
    this.cached = token;
    return token;
  }
}
