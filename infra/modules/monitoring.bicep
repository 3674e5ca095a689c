// Log Analytics and workspace-based Application Insights. Local (instrumentation-key) ingestion is disabled, so the
// app sends telemetry with its identity, which needs Monitoring Metrics Publisher (specs/azure-deployment.md §8).
import { builtInRoles } from 'built-in-roles.bicep'

param workspaceName string
param insightsName string
param location string
param tags object

@description('Principal id of the Function App identity.')
param appPrincipalId string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    retentionInDays: 30
    sku: {
      name: 'PerGB2018'
    }
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: insightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource appPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, appPrincipalId, builtInRoles.MonitoringMetricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', builtInRoles.MonitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The connection string names the ingestion endpoint; with local auth disabled it grants nothing on its own.
output connectionString string = insights.properties.ConnectionString
output name string = insights.name
