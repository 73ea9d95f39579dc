// Databricks Spark backend: a workspace, plus an access connector whose identity can read and write the app's
// storage account (register it as a Unity Catalog storage credential). The app authenticates to the Jobs API with a
// token kept in Key Vault; deploy.sh stores it there.

@description('Name of the Databricks workspace.')
param workspaceName string

@description('Name of the Databricks access connector.')
param accessConnectorName string

@description('Azure region of the resources.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Pricing tier of the workspace.')
@allowed([
  'standard'
  'premium'
])
param sku string = 'premium'

@description('Name of the storage account the app uses; the access connector gets Storage Blob Data Contributor on it.')
param appStorageAccountName string

// Storage Blob Data Contributor: clusters read inputs and the runner script and write outputs.
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource workspace 'Microsoft.Databricks/workspaces@2024-05-01' = {
  name: workspaceName
  location: location
  tags: tags
  sku: {
    name: sku
  }
  properties: {
    managedResourceGroupId: subscriptionResourceId('Microsoft.Resources/resourceGroups', '${resourceGroup().name}-${workspaceName}-managed')
  }
}

resource accessConnector 'Microsoft.Databricks/accessConnectors@2024-05-01' = {
  name: accessConnectorName
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {}
}

resource appStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: appStorageAccountName
}

resource connectorOnAppStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: appStorage
  name: guid(appStorage.id, accessConnector.id, storageBlobDataContributorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: accessConnector.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Name of the workspace.')
output workspaceName string = workspace.name

@description('Workspace URL (https://adb-....azuredatabricks.net).')
output workspaceUrl string = 'https://${workspace.properties.workspaceUrl}'

@description('Resource ID of the access connector, for a Unity Catalog storage credential.')
output accessConnectorId string = accessConnector.id
