// Synapse Spark backend: a workspace with its own ADLS Gen2 account and an auto-pausing Spark pool. Spark jobs run
// as the workspace identity, which gets read/write access to the app's storage account (inputs, outputs and the
// runner script). Submitting jobs is a Synapse RBAC permission (Synapse Compute Operator), which ARM cannot grant:
// deploy.sh grants it to the app identity with the az CLI.

@description('Name of the Synapse workspace.')
param workspaceName string

@description('Name of the ADLS Gen2 account that is the workspace default storage.')
@minLength(3)
@maxLength(24)
param dataLakeName string

@description('Name of the Spark pool (letters and digits, at most 15).')
@maxLength(15)
param sparkPoolName string

@description('Azure region of the resources.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the storage account the app uses; the workspace identity gets Storage Blob Data Contributor on it.')
param appStorageAccountName string

@description('Spark version of the pool.')
param sparkVersion string = '3.4'

@description('Node size of the pool.')
@allowed([
  'Small'
  'Medium'
  'Large'
])
param nodeSize string = 'Small'

@description('Largest number of nodes the pool scales to (at least 3).')
@minValue(3)
@maxValue(200)
param maxNodeCount int = 6

@description('Allow the development endpoint from any address (access still needs Entra ID and Synapse RBAC); false admits Azure services only, so deploy.sh must then run inside Azure.')
param allowAllIpAddresses bool = true

@description('Idle minutes before the pool pauses (and stops costing).')
@minValue(5)
param autoPauseDelayInMinutes int = 15

// Storage Blob Data Contributor: Spark reads inputs and the runner script and writes outputs.
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var fileSystemName = 'synapse'

resource dataLake 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: dataLakeName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    isHnsEnabled: true
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource dataLakeBlobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: dataLake
  name: 'default'
}

resource fileSystem 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: dataLakeBlobService
  name: fileSystemName
  properties: {
    publicAccess: 'None'
  }
}

resource workspace 'Microsoft.Synapse/workspaces@2021-06-01' = {
  name: workspaceName
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    defaultDataLakeStorage: {
      accountUrl: dataLake.properties.primaryEndpoints.dfs
      filesystem: fileSystemName
      resourceId: dataLake.id
      createManagedPrivateEndpoint: false
    }
    azureADOnlyAuthentication: true
    publicNetworkAccess: 'Enabled'
    trustedServiceBypassEnabled: true
  }
  dependsOn: [
    fileSystem
  ]
}

// The Function App calls the workspace development endpoint from Azure outbound addresses.
resource allowAzureServices 'Microsoft.Synapse/workspaces/firewallRules@2021-06-01' = {
  parent: workspace
  name: 'AllowAllWindowsAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

// deploy.sh grants Synapse RBAC through the same endpoint, from the deployer's machine.
resource allowAll 'Microsoft.Synapse/workspaces/firewallRules@2021-06-01' = if (allowAllIpAddresses) {
  parent: workspace
  name: 'AllowAll'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '255.255.255.255'
  }
}

resource sparkPool 'Microsoft.Synapse/workspaces/bigDataPools@2021-06-01' = {
  parent: workspace
  name: sparkPoolName
  location: location
  tags: tags
  properties: {
    sparkVersion: sparkVersion
    nodeSize: nodeSize
    nodeSizeFamily: 'MemoryOptimized'
    autoScale: {
      enabled: true
      minNodeCount: 3
      maxNodeCount: maxNodeCount
    }
    autoPause: {
      enabled: true
      delayInMinutes: autoPauseDelayInMinutes
    }
    dynamicExecutorAllocation: {
      enabled: true
    }
    sessionLevelPackagesEnabled: false
  }
}

resource appStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: appStorageAccountName
}

resource workspaceOnDataLake 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: dataLake
  name: guid(dataLake.id, workspace.id, storageBlobDataContributorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: workspace.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource workspaceOnAppStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: appStorage
  name: guid(appStorage.id, workspace.id, storageBlobDataContributorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: workspace.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Name of the workspace.')
output workspaceName string = workspace.name

@description('Development endpoint the Spark batch API lives under (https://{workspace}.dev.azuresynapse.net).')
output devEndpoint string = workspace.properties.connectivityEndpoints.dev

@description('Name of the Spark pool jobs are submitted to.')
output sparkPoolName string = sparkPool.name
