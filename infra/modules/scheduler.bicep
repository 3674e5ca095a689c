// Durable Task Scheduler, one task hub, auto-purge retention and Entra access (specs/azure-deployment.md §1, §2).
// Deployed only when durableBackend = 'azureManaged'.
import { builtInRoles } from 'built-in-roles.bicep'

param name string
param location string
param tags object

@description('Task hub name; the app finds it through TASKHUB_NAME.')
param taskHubName string

@allowed([
  'Consumption'
  'Dedicated'
])
param skuName string

@description('Capacity units; used only by the Dedicated SKU.')
@minValue(1)
@maxValue(3)
param skuCapacity int = 1

@description('Principal id of the Function App identity.')
param appPrincipalId string

@description('Object id of the developer who runs azd; gets dashboard access. Empty: none.')
param developerPrincipalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
param developerPrincipalType string = 'User'

resource scheduler 'Microsoft.DurableTask/schedulers@2026-02-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    // Required. An empty list denies every caller; access control is the Entra role below (§1.2).
    ipAllowlist: [
      '0.0.0.0/0'
    ]
    // Consumption takes no capacity (§1.2).
    sku: skuName == 'Dedicated' ? {
      name: 'Dedicated'
      capacity: skuCapacity
    } : {
      name: 'Consumption'
    }
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2026-02-01' = {
  parent: scheduler
  name: taskHubName
  // Nothing to set: dashboardUrl and provisioningState are read-only. An empty object, as in the REST API example.
  properties: {}
}

// Auto-purge of terminal instances for every hub of this scheduler: 7 days by default, Completed kept 14, Failed kept
// 30 for diagnosis (within the 30-day limit of the Consumption SKU). Running instances are never purged (§1.4).
resource retention 'Microsoft.DurableTask/schedulers/retentionPolicies@2026-02-01' = {
  parent: scheduler
  name: 'default'
  properties: {
    retentionPolicies: [
      {
        retentionPeriodInDays: 7
      }
      {
        retentionPeriodInDays: 14
        orchestrationState: 'Completed'
      }
      {
        retentionPeriodInDays: 30
        orchestrationState: 'Failed'
      }
    ]
  }
}

// Task-hub scope, not scheduler scope: the least privilege the identity doc recommends (§2.2).
resource appHubAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(taskHub.id, appPrincipalId, builtInRoles.DurableTaskDataContributor)
  scope: taskHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.DurableTaskDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The dashboard signs the developer in and needs the same data role (§1.3).
resource developerHubAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(taskHub.id, developerPrincipalId, builtInRoles.DurableTaskDataContributor)
  scope: taskHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.DurableTaskDataContributor)
    principalId: developerPrincipalId
    principalType: developerPrincipalType
  }
}

// Read the endpoint, never build it: its shape differs between regions and SKUs (§1.2).
output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
// Documented dashboard address (learn: durable-task-scheduler-dashboard, §1.3).
output dashboardUrl string = 'https://dashboard.durabletask.io/?endpoint=${scheduler.properties.endpoint}&taskhub=${taskHub.name}'
