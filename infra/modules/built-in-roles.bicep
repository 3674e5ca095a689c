// Azure built-in role definition ids: the same GUID in every subscription and tenant.
// Source: learn.microsoft.com/azure/role-based-access-control/built-in-roles (specs/azure-deployment.md §2.1).
// Storage Account Contributor is deliberately absent: it grants the account keys, which this app never uses.
@export()
var builtInRoles = {
  StorageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  StorageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  StorageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  MonitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  DurableTaskDataContributor: '0ad04412-c4d5-4796-b79c-f76d14c8d402'
}
