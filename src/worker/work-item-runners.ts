// Turns one work item into its result by running the user's function through the Functions host, with the
// durable-functions protocol adapter translating both ways.

import {
  executionStartedEvent,
  parseSchedulerId,
  type ActivityResult,
  type ActivityWorkItem,
  type EntityBatchResult,
  type EntityWorkItem,
  type FailureDetails,
  type OrchestratorResult,
  type OrchestratorWorkItem,
} from '../core';
import {
  activityResult,
  activityTriggerInput,
  buildEntityTriggerInput,
  entityBatchResult,
  isBuiltInActivity,
  orchestrationTriggerJson,
  OrchestratorWorkItemError,
  runOrchestratorEpisode,
} from '../durable-functions';
import { runBuiltInActivity, type BuiltInActivityDeps } from './built-in-activities';
import { findFunction, missingFunctionMessage, type FunctionInvoker } from './function-invoker';

export async function runOrchestratorWorkItem(app: FunctionInvoker, item: OrchestratorWorkItem): Promise<OrchestratorResult> {
  const name = orchestrationName(item);
  const fn = findFunction(app, name, 'orchestrationTrigger');
  if (!fn) return failOrchestration(item, { errorType: 'FunctionNotFound', errorMessage: missingFunctionMessage(name, 'orchestrator') });
  return runOrchestratorEpisode(
    item,
    async (triggerInput) => (await app.invoke(fn.name, { triggerValue: triggerInput, triggerJson: orchestrationTriggerJson(triggerInput) })).returnValue,
  );
}

export async function runActivityWorkItem(app: FunctionInvoker, item: ActivityWorkItem, builtIns?: BuiltInActivityDeps): Promise<ActivityResult> {
  if (isBuiltInActivity(item.name)) return runBuiltInActivity(item, builtIns);
  const fn = findFunction(app, item.name, 'activityTrigger');
  if (!fn) {
    const failureDetails: FailureDetails = { errorType: 'FunctionNotFound', errorMessage: missingFunctionMessage(item.name, 'activity') };
    return { instanceId: item.instanceId, taskId: item.taskId, completionToken: item.completionToken, failureDetails };
  }
  const input = activityTriggerInput(item);
  try {
    // The .NET binding exposes instanceId and data as trigger metadata (spec §1.3).
    const { returnValue } = await app.invoke(fn.name, { triggerValue: input, triggerMetadata: { instanceId: item.instanceId, data: input } });
    return activityResult(item, { value: returnValue });
  } catch (error) {
    return activityResult(item, { error });
  }
}

export async function runEntityWorkItem(app: FunctionInvoker, item: EntityWorkItem): Promise<EntityBatchResult> {
  const { name } = parseSchedulerId(item.instanceId);
  const fn = findFunction(app, name, 'entityTrigger');
  if (!fn) return entityBatchResult(item, { error: new Error(missingFunctionMessage(name, 'entity')) });
  try {
    const { returnValue } = await app.invoke(fn.name, { triggerValue: buildEntityTriggerInput(item) });
    return entityBatchResult(item, { value: returnValue });
  } catch (error) {
    return entityBatchResult(item, { error });
  }
}

function orchestrationName(item: OrchestratorWorkItem): string {
  const started = executionStartedEvent(item.pastEvents) ?? executionStartedEvent(item.newEvents);
  if (!started) throw new OrchestratorWorkItemError(`Orchestration work item for '${item.instanceId}' has no executionStarted event, so there is nothing to run.`);
  return started.name;
}

/** Fails the instance as the extension does: the message is the failure's details and, as JSON, its output. */
function failOrchestration(item: OrchestratorWorkItem, failureDetails: FailureDetails): OrchestratorResult {
  const result = JSON.stringify(failureDetails.errorMessage);
  return {
    instanceId: item.instanceId,
    completionToken: item.completionToken,
    actions: [{ type: 'completeOrchestration', id: -1, orchestrationStatus: 'Failed', result, failureDetails }],
  };
}
