// The sub-orchestration tree around one instance: up its parent links to the root, then down through every
// subOrchestrationInstanceCreated event. Bounded, so a runaway fan-out cannot make one request read the hub.

import type { TaskHubClient } from '../taskhub';
import { childrenOf } from './instance-views';
import type { InstanceTree, TreeNode } from './web/api-types';

export const MAX_TREE_NODES = 500;
const MAX_ANCESTORS = 50;

export async function instanceTree(hub: TaskHubClient, instanceId: string): Promise<InstanceTree | undefined> {
  const start = await hub.getOrchestration(instanceId);
  if (!start) return undefined;
  let rootId = instanceId;
  let parentId = start.parentInstanceId;
  for (let depth = 0; parentId && depth < MAX_ANCESTORS; depth++) {
    const parent = await hub.getOrchestration(parentId);
    if (!parent) break;
    rootId = parent.instanceId;
    parentId = parent.parentInstanceId;
  }
  let budget = MAX_TREE_NODES;
  let truncated = false;
  const visit = async (id: string, name?: string): Promise<TreeNode> => {
    budget--;
    const state = await hub.getOrchestration(id, { includeHistory: true });
    if (!state) return { instanceId: id, name, missing: true, children: [] };
    const node: TreeNode = { instanceId: id, name: state.name, status: state.status, createdAt: state.createdAt, completedAt: state.completedAt, children: [] };
    for (const child of childrenOf(state.history ?? [])) {
      if (budget <= 0) {
        truncated = true;
        break;
      }
      node.children.push(await visit(child.instanceId, child.name));
    }
    return node;
  };
  return { root: await visit(rootId), truncated };
}
