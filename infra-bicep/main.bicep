// Serverless: the Azure infrastructure of the batch pipeline platform, a Durable Functions app (.NET isolated) on
// Flex Consumption. This file only wires local modules; every resource lives in modules/. Names are an abbreviation
// (abbreviations.json) plus a token unique to the subscription, resource group, environment and region, so two
// environments never collide.
targetScope = 'resourceGroup'

import { alwaysReadyGroup } from 'modules/types.bicep'

@description('Name of the environment (for example dev or prod); part of the resource token and the tags.')
@minLength(1)
@maxLength(32)
param environmentName string

@description('Azure region of every resource; defaults to the resource group region.')
param location string = resourceGroup().location

@description('Largest number of Function App instances Flex Consumption scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each Flex Consumption instance in MB (512, 2048 or 4096); the embedded Spark SQL engine wants 2048 or more.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Always-ready Flex Consumption instances per scaling group, for example [{ name: \'durable\', instanceCount: 1 }] to keep orchestrations warm; empty scales to zero.')
param alwaysReady alwaysReadyGroup[] = []

@description('Resource ID of an existing subnet delegated to Microsoft.App/environments for outbound VNet integration; empty for none.')
param virtualNetworkSubnetId string = ''

@description('Names of the API keys the app accepts (Serverless__ApiKeys__<name>); each is a Key Vault secret api-key-<name>. Letters and digits only.')
@minLength(1)
param apiKeyNames string[] = [
  'default'
]

@description('Spark backend the app submits jobs to: none (embedded DuckDB engine in the app), synapse or databricks.')
@allowed([
  'none'
  'synapse'
  'databricks'
])
param sparkBackend string = 'none'

@description('Durable Functions task hub name (Serverless__TaskHub): 3-45 letters and digits, starting with a letter. The Azure Storage provider creates its queues, tables and containers from it.')
@minLength(3)
@maxLength(45)
param taskHub string = 'serverless'

@description('Days finished runs and their history are kept (Serverless__RetentionDays).')
@minValue(1)
param retentionDays int = 30

@description('Memory limit of the embedded Spark SQL engine when sparkBackend is none (Spark__Local__MemoryLimit).')
param localSparkMemoryLimit string = '1GB'

@description('Spark version of the Synapse pool.')
param synapseSparkVersion string = '3.4'

@description('Node size of the Synapse Spark pool.')
@allowed([
  'Small'
  'Medium'
  'Large'
])
param synapseNodeSize string = 'Small'

@description('Largest number of nodes of the Synapse Spark pool.')
@minValue(3)
@maxValue(200)
param synapseMaxNodeCount int = 6

@description('Open the Synapse development endpoint to every address (Entra ID and Synapse RBAC still apply); false admits Azure services only.')
param synapseAllowAllIpAddresses bool = true

@description('Pricing tier of the Databricks workspace.')
@allowed([
  'standard'
  'premium'
])
param databricksSku string = 'premium'

@description('Databricks runtime version of job clusters (Spark__Databricks__SparkVersion).')
param databricksSparkVersion string = '15.4.x-scala2.12'

@description('Node type of Databricks job clusters (Spark__Databricks__NodeType).')
param databricksNodeType string = 'Standard_D4ds_v5'

@description('Worker count of Databricks job clusters (Spark__Databricks__Workers).')
@minValue(0)
param databricksWorkers int = 2

@description('Existing all-purpose Databricks cluster to run jobs on instead of new job clusters; empty for job clusters.')
param databricksExistingClusterId string = ''

@description('Object ID of the user or service principal running deploy.sh or azd; it may upload DAGs and data and write secrets. Empty to skip.')
param deployerPrincipalId string = ''

@description('Principal type of deployerPrincipalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param deployerPrincipalType string = 'User'

@description('Extra tags applied to every resource.')
param tags object = {}

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var allTags = union(tags, {
  'azd-env-name': environmentName
  application: 'serverless'
})

// Names the app and deploy.sh share; the app's defaults are the same (Serverless__DagContainer, Spark__DataContainer).
var dagContainer = 'dags'
var sparkDataContainer = 'data'
var sparkScriptsContainer = 'spark-scripts'
// Flex Consumption keeps the deployed packages here and runs the app from them.
var deploymentContainer = 'deployment'

var apiKeySecretPrefix = 'api-key-'
var databricksTokenSecretName = 'databricks-token'

var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var keyVaultName = '${abbrs.keyVaultVaults}${resourceToken}'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
    location: location
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: allTags
    containerNames: [
      deploymentContainer
      dagContainer
      sparkDataContainer
      sparkScriptsContainer
    ]
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: keyVaultName
    location: location
    tags: allTags
  }
}

module roleAssignments 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    appPrincipalId: identity.outputs.principalId
    deployerPrincipalId: deployerPrincipalId
    deployerPrincipalType: deployerPrincipalType
  }
}

module synapse 'modules/synapse.bicep' = if (sparkBackend == 'synapse') {
  name: 'synapse'
  params: {
    workspaceName: '${abbrs.synapseWorkspaces}${resourceToken}'
    dataLakeName: '${abbrs.storageDataLakeAccounts}${resourceToken}'
    sparkPoolName: 'serverless'
    location: location
    tags: allTags
    appStorageAccountName: storage.outputs.name
    sparkVersion: synapseSparkVersion
    nodeSize: synapseNodeSize
    maxNodeCount: synapseMaxNodeCount
    allowAllIpAddresses: synapseAllowAllIpAddresses
  }
}

module databricks 'modules/databricks.bicep' = if (sparkBackend == 'databricks') {
  name: 'databricks'
  params: {
    workspaceName: '${abbrs.databricksWorkspaces}${resourceToken}'
    accessConnectorName: '${abbrs.databricksAccessConnectors}${resourceToken}'
    location: location
    tags: allTags
    sku: databricksSku
    appStorageAccountName: storage.outputs.name
  }
}

// A secret in an app setting is always a Key Vault reference, resolved by the platform with the app identity.
func keyVaultReference(vault string, secret string) string => '@Microsoft.KeyVault(VaultName=${vault};SecretName=${secret})'

// Storage is identity-based: no connection string and no key, so shared-key access can stay off. The service URIs
// (rather than __accountName) also work outside the public cloud.
var storageSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
  // DefaultAzureCredential in the app (Spark backends, Key Vault) picks the user-assigned identity from this.
  AZURE_CLIENT_ID: identity.outputs.clientId
}

var monitoringSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  // Local auth is disabled on Application Insights: the host sends telemetry with the identity's token.
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
}

var pipelineSettings = {
  Serverless__TaskHub: taskHub
  Serverless__DagContainer: dagContainer
  Serverless__RetentionDays: string(retentionDays)
  Spark__DataContainer: sparkDataContainer
}

var apiKeySettings = toObject(
  apiKeyNames,
  keyName => 'Serverless__ApiKeys__${keyName}',
  keyName => keyVaultReference(keyVaultName, '${apiKeySecretPrefix}${toLower(keyName)}')
)

var localSparkSettings = {
  Spark__Backend: 'local'
  Spark__Local__MemoryLimit: localSparkMemoryLimit
  Spark__Local__TempDirectory: '/tmp/serverless-spark'
}

var synapseSettings = sparkBackend == 'synapse'
  ? {
      Spark__Backend: 'synapse'
      Spark__Synapse__Endpoint: synapse!.outputs.devEndpoint
      Spark__Synapse__SparkPool: synapse!.outputs.sparkPoolName
    }
  : {}

var databricksSettings = sparkBackend == 'databricks'
  ? union(
      {
        Spark__Backend: 'databricks'
        Spark__Databricks__WorkspaceUrl: databricks!.outputs.workspaceUrl
        Spark__Databricks__Token: keyVaultReference(keyVaultName, databricksTokenSecretName)
        Spark__Databricks__SparkVersion: databricksSparkVersion
        Spark__Databricks__NodeType: databricksNodeType
        Spark__Databricks__Workers: string(databricksWorkers)
      },
      empty(databricksExistingClusterId) ? {} : { Spark__Databricks__ExistingClusterId: databricksExistingClusterId }
    )
  : {}

var backendSettings = sparkBackend == 'synapse'
  ? synapseSettings
  : sparkBackend == 'databricks' ? databricksSettings : localSparkSettings

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: union(allTags, { 'azd-service-name': 'functions' })
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    alwaysReady: alwaysReady
    virtualNetworkSubnetId: virtualNetworkSubnetId
    identityId: identity.outputs.id
    blobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainer
    appSettings: union(storageSettings, monitoringSettings, pipelineSettings, apiKeySettings, backendSettings)
  }
  // The app must not start before its identity may read storage and secrets.
  dependsOn: [
    roleAssignments
  ]
}

@description('Region the resources were deployed to.')
output AZURE_LOCATION string = location

@description('Resource group the resources were deployed to.')
output AZURE_RESOURCE_GROUP string = resourceGroup().name

@description('Name of the Function App.')
output FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Base URL of the Function App.')
output FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'

@description('Blob container Flex Consumption deploys the package to.')
output DEPLOYMENT_CONTAINER string = deploymentContainer

@description('Name of the storage account.')
output STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('Blob service endpoint (AzureWebJobsStorage__blobServiceUri).')
output STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint

@description('Durable Functions task hub name (Serverless__TaskHub).')
output TASK_HUB string = taskHub

@description('Blob container of DAG definition files (Serverless__DagContainer).')
output DAG_CONTAINER string = dagContainer

@description('Blob container of pipeline data and the sample data (Spark__DataContainer).')
output SPARK_DATA_CONTAINER string = sparkDataContainer

@description('Blob container of the Spark runner script and job specs.')
output SPARK_SCRIPTS_CONTAINER string = sparkScriptsContainer

@description('Resource ID of the app\'s user-assigned identity.')
output MANAGED_IDENTITY_ID string = identity.outputs.id

@description('Client ID of the app\'s user-assigned identity (AzureWebJobsStorage__clientId, AZURE_CLIENT_ID).')
output MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId

@description('Object ID of the app\'s user-assigned identity (for data-plane role grants such as Synapse RBAC).')
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId

@description('Name of the Key Vault holding the app secrets.')
output KEY_VAULT_NAME string = keyVault.outputs.name

@description('URI of the Key Vault.')
output KEY_VAULT_URI string = keyVault.outputs.uri

@description('API keys the app accepts, as space-separated <key name>=<Key Vault secret name> pairs.')
output API_KEY_SECRETS string = join(map(apiKeyNames, keyName => '${keyName}=${apiKeySecretPrefix}${toLower(keyName)}'), ' ')

@description('Application Insights connection string (APPLICATIONINSIGHTS_CONNECTION_STRING; not a credential with local auth off).')
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString

@description('Spark backend the app uses (Spark__Backend): local, synapse or databricks.')
output SPARK_BACKEND string = sparkBackend == 'none' ? 'local' : sparkBackend

@description('Synapse workspace name; empty unless sparkBackend is synapse.')
output SYNAPSE_WORKSPACE_NAME string = sparkBackend == 'synapse' ? synapse!.outputs.workspaceName : ''

@description('Synapse development endpoint (Spark__Synapse__Endpoint); empty unless sparkBackend is synapse.')
output SYNAPSE_ENDPOINT string = sparkBackend == 'synapse' ? synapse!.outputs.devEndpoint : ''

@description('Synapse Spark pool (Spark__Synapse__SparkPool); empty unless sparkBackend is synapse.')
output SYNAPSE_SPARK_POOL string = sparkBackend == 'synapse' ? synapse!.outputs.sparkPoolName : ''

@description('Databricks workspace URL (Spark__Databricks__WorkspaceUrl); empty unless sparkBackend is databricks.')
output DATABRICKS_WORKSPACE_URL string = sparkBackend == 'databricks' ? databricks!.outputs.workspaceUrl : ''

@description('Key Vault secret holding the Databricks token (Spark__Databricks__Token); empty unless sparkBackend is databricks.')
output DATABRICKS_TOKEN_SECRET_NAME string = sparkBackend == 'databricks' ? databricksTokenSecretName : ''

@description('Databricks access connector for a Unity Catalog storage credential; empty unless sparkBackend is databricks.')
output DATABRICKS_ACCESS_CONNECTOR_ID string = sparkBackend == 'databricks' ? databricks!.outputs.accessConnectorId : ''
