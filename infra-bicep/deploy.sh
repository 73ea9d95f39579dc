#!/usr/bin/env bash
# Deploys Serverless to an Azure resource group from a clone of the repository, in one command:
#   1. main.bicep: storage (identity only), identity and roles, monitoring, Key Vault, the Flex Consumption
#      Durable Functions app, and the optional Spark backend,
#   2. the secrets the app's Key Vault references point to (API keys; the Databricks token for that backend),
#   3. the app: `dotnet publish` (Release, linux-x64), the package checked, one zip deploy to Flex Consumption,
#   4. the DAG folder tree (DAG files and the SQL and scripts they reference) and the Spark runner script,
#   5. with --with-data, the sample data the sample DAGs read; with --unpause, DAGs that should run on schedule.
# `azd up` runs steps 2, 4 and 5 through the hooks in azure.yaml (--from-azd); azd itself does 1 and 3.
#
# Prerequisites: az (signed in; Owner or User Access Administrator on the resource group, since the template
# assigns roles), dotnet (the SDK in global.json), zip, curl (for --unpause and --drain).
#
# Usage: infra-bicep/deploy.sh -g <resource-group> [options]   (see --help)
#
# Environment variables (optional):
#   SERVERLESS_API_KEY            value of the API key named default; other named keys: SERVERLESS_API_KEY_<NAME>.
#                                 When unset, an existing key is kept or a random one is generated.
#   DATABRICKS_TOKEN              Databricks token to store; when unset (databricks backend), an existing one is kept
#                                 or a personal access token is created for the signed-in deployer.
#   SERVERLESS_DRAIN_TIMEOUT_SECONDS, SERVERLESS_DRAIN_POLL_SECONDS   how long --drain waits (3600) and polls (30).
#   SERVERLESS_API_RETRY_SECONDS  delay between the attempts of --unpause while the app starts (10).
set -euo pipefail
# Functions whose output is captured ($(build_package)) must stop at the first failing command too.
shopt -s inherit_errexit

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# SERVERLESS_REPO_ROOT lets the tests point the script at a fixture tree.
repo_root="${SERVERLESS_REPO_ROOT:-$(cd "$script_dir/.." && pwd)}"
work_dir=""
cleanup() { [[ -z "$work_dir" ]] || rm -rf "$work_dir"; }
trap cleanup EXIT

# Outputs of main.bicep this script reads (Serverless.Infra.Tests checks each exists in the template).
OUTPUT_NAMES=(
  AZURE_RESOURCE_GROUP
  FUNCTION_APP_NAME
  FUNCTION_APP_URL
  STORAGE_ACCOUNT_NAME
  DAG_CONTAINER
  SPARK_DATA_CONTAINER
  SPARK_SCRIPTS_CONTAINER
  KEY_VAULT_NAME
  API_KEY_SECRETS
  MANAGED_IDENTITY_PRINCIPAL_ID
  SPARK_BACKEND
  SYNAPSE_WORKSPACE_NAME
  DATABRICKS_WORKSPACE_URL
  DATABRICKS_TOKEN_SECRET_NAME
)
# Filled by read_outputs, one per name above.
AZURE_RESOURCE_GROUP="" FUNCTION_APP_NAME="" FUNCTION_APP_URL="" STORAGE_ACCOUNT_NAME="" DAG_CONTAINER=""
SPARK_DATA_CONTAINER="" SPARK_SCRIPTS_CONTAINER="" KEY_VAULT_NAME="" API_KEY_SECRETS="" MANAGED_IDENTITY_PRINCIPAL_ID=""
SPARK_BACKEND="" SYNAPSE_WORKSPACE_NAME="" DATABRICKS_WORKSPACE_URL="" DATABRICKS_TOKEN_SECRET_NAME=""

# Azure Databricks' first-party application ID: the audience of Entra ID tokens for the Databricks REST API.
readonly DATABRICKS_RESOURCE_ID="2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"
readonly DEPLOYMENT_NAME="serverless"
readonly PACKAGE_NAME="serverless-functions.zip"
# What the Functions host needs from an isolated worker package: the function index the worker SDK generates, how
# to start the worker, the host configuration, and the host-side extensions (Durable Functions) it restored.
readonly PACKAGE_FILES=(functions.metadata worker.config.json host.json)
readonly PACKAGE_EXTENSIONS_FOLDER=".azurefunctions"
# The sample data the sample DAGs read (samples/<file> in the data container); the app's SampleData.Files list.
readonly SAMPLE_FILES=(flights-3m.parquet airports.csv stocks.csv seattle-weather.csv)

resource_group=""
location=""
environment_name="dev"
spark_backend=""
parameter_files=()
dag_dir=""
data_dir=""
with_data=false
unpause_dags=()
drain=false
from_azd=false
skip_infra=false
skip_app=false
skip_files=false

usage() {
  cat <<'EOF'
Usage: infra-bicep/deploy.sh -g <resource-group> [options]

  -g, --resource-group NAME   resource group to deploy to (created when it does not exist; then -l is required)
  -l, --location REGION       Azure region that offers Flex Consumption, for example westeurope
                              (default: the resource group's region)
  -e, --environment NAME      environment name, part of resource names and tags (default: dev)
  -s, --spark BACKEND         none (default: embedded Spark SQL engine), synapse or databricks
      --parameters FILE       more main.bicep parameters (.json or .bicepparam), before the options above
      --dags DIR              DAG folder to upload with its relative paths (default: orchestrations/dags)
      --with-data             also upload the sample data (node_modules/vega-datasets/data) to the data container
      --data DIR              folder of the sample data files (default: node_modules/vega-datasets/data)
      --unpause DAG...        unpause these DAGs after the deployment, so they run on their schedule at once
      --drain                 wait until no run is in flight before deploying new code (Flex has no slots)
      --from-azd              read the deployment outputs from `azd env get-values` (the azure.yaml hooks);
                              implies --skip-infra
      --skip-infra            reuse the outputs of the last deployment instead of deploying main.bicep
      --skip-app              do not build and deploy the Functions app
      --skip-files            do not upload DAG files and the Spark runner script
  -h, --help                  show this help
EOF
}

log() { printf '[deploy] %s\n' "$*" >&2; }
die() { printf '[deploy] error: %s\n' "$*" >&2; exit 1; }

# Runs a command until it succeeds, for data-plane calls that fail until a fresh role assignment propagates.
retry() {
  local attempts="$1" delay="$2" attempt
  shift 2
  for ((attempt = 1; attempt <= attempts; attempt++)); do
    if "$@"; then
      return 0
    fi
    if ((attempt < attempts)); then
      log "attempt $attempt/$attempts failed (role assignments can take a few minutes to apply); retrying in ${delay}s"
      sleep "$delay"
    fi
  done
  return 1
}

parse_arguments() {
  while (($# > 0)); do
    case "$1" in
      -g | --resource-group) resource_group="${2:?$1 needs a value}"; shift 2 ;;
      -l | --location) location="${2:?$1 needs a value}"; shift 2 ;;
      -e | --environment) environment_name="${2:?$1 needs a value}"; shift 2 ;;
      -s | --spark) spark_backend="${2:?$1 needs a value}"; shift 2 ;;
      --parameters) parameter_files+=("${2:?$1 needs a value}"); shift 2 ;;
      --dags) dag_dir="${2:?$1 needs a value}"; shift 2 ;;
      --data) data_dir="${2:?$1 needs a value}"; shift 2 ;;
      --with-data) with_data=true; shift ;;
      --unpause)
        shift
        while (($# > 0)) && [[ "$1" != -* ]]; do
          unpause_dags+=("$1")
          shift
        done
        ((${#unpause_dags[@]} > 0)) || die "--unpause needs at least one DAG id"
        ;;
      --drain) drain=true; shift ;;
      --from-azd) from_azd=true; skip_infra=true; shift ;;
      --skip-infra) skip_infra=true; shift ;;
      --skip-app) skip_app=true; shift ;;
      --skip-files) skip_files=true; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
  done

  [[ -n "$resource_group" || "$from_azd" == true ]] || { usage >&2; die "the resource group (-g) is required"; }
  case "$spark_backend" in
    "" | none | synapse | databricks) ;;
    *) die "--spark must be none, synapse or databricks, not '$spark_backend'" ;;
  esac
  dag_dir="${dag_dir:-$repo_root/orchestrations/dags}"
  data_dir="${data_dir:-$repo_root/node_modules/vega-datasets/data}"
}

require() {
  command -v "$1" >/dev/null 2>&1 || die "$2"
}

check_prerequisites() {
  require az "the Azure CLI (az) is not installed: see https://learn.microsoft.com/cli/azure/install-azure-cli"
  if [[ "$from_azd" == true ]]; then
    require azd "the Azure Developer CLI (azd) is not installed, and --from-azd reads its environment"
  fi
  if [[ "$skip_app" == false ]]; then
    require dotnet "the .NET SDK (dotnet) is not installed: it publishes the Functions app"
    require zip "zip is not installed (for example: sudo apt-get install zip)"
    [[ -f "$repo_root/functions/Serverless.Functions/Serverless.Functions.csproj" ]] ||
      die "functions/Serverless.Functions is missing: run this script from a full clone of the repository"
  fi
  if ((${#unpause_dags[@]} > 0)) || [[ "$drain" == true ]]; then
    require curl "curl is not installed; --unpause and --drain call the app's HTTP API with it"
  fi
  if [[ "$skip_files" == false ]]; then
    [[ -d "$dag_dir" ]] || die "the DAG folder $dag_dir does not exist (--dags)"
    dag_dir="$(cd "$dag_dir" && pwd)"
  fi
  az account show --output none 2>/dev/null || die "the Azure CLI is not signed in: run 'az login' (and 'az account set -s <subscription>')"
  log "subscription: $(az account show --query '[name, id]' --output tsv | tr '\t' ' ')"
}

ensure_resource_group() {
  if az group show --name "$resource_group" --output none 2>/dev/null; then
    return
  fi
  [[ -n "$location" ]] || die "resource group '$resource_group' does not exist: pass -l <region> to create it"
  log "creating resource group $resource_group in $location"
  az group create --name "$resource_group" --location "$location" --output none
}

# Prints "<object id> <principal type>" of whoever is signed in, for the deployer role assignments.
deployer_principal() {
  local kind
  kind="$(az account show --query user.type --output tsv)"
  if [[ "$kind" == "user" ]]; then
    printf '%s User\n' "$(az ad signed-in-user show --query id --output tsv)"
  else
    printf '%s ServicePrincipal\n' "$(az ad sp show --id "$(az account show --query user.name --output tsv)" --query id --output tsv)"
  fi
}

deploy_infrastructure() {
  local deployer_id deployer_type file
  read -r deployer_id deployer_type < <(deployer_principal)
  [[ -n "$deployer_id" ]] || die "could not find the object ID of the signed-in account"

  # main.parameters.json is azd's (its values are azd environment references), so the defaults come from
  # main.bicep and only what was chosen here is passed; later values win.
  local parameters=()
  for file in "${parameter_files[@]}"; do
    parameters+=("@$file")
  done
  parameters+=(
    "environmentName=$environment_name"
    "deployerPrincipalId=$deployer_id"
    "deployerPrincipalType=$deployer_type"
  )
  [[ -n "$location" ]] && parameters+=("location=$location")
  [[ -n "$spark_backend" ]] && parameters+=("sparkBackend=$spark_backend")

  log "deploying main.bicep to $resource_group (takes a few minutes; Synapse and Databricks take longer)"
  az deployment group create \
    --resource-group "$resource_group" \
    --name "$DEPLOYMENT_NAME" \
    --template-file "$script_dir/main.bicep" \
    --parameters "${parameters[@]}" \
    --output none
}

# Reads every name in OUTPUT_NAMES from the last deployment into a shell variable of the same name.
read_outputs() {
  local query="" name values
  for name in "${OUTPUT_NAMES[@]}"; do
    query+="${query:+, }properties.outputs.${name}.value"
  done
  values="$(az deployment group show --resource-group "$resource_group" --name "$DEPLOYMENT_NAME" \
    --query "join('|', [$query])" --output tsv)" ||
    die "no deployment named '$DEPLOYMENT_NAME' in $resource_group: run without --skip-infra first"
  local fields index
  IFS='|' read -r -a fields <<<"$values"
  for index in "${!OUTPUT_NAMES[@]}"; do
    printf -v "${OUTPUT_NAMES[$index]}" '%s' "${fields[$index]:-}"
  done
}

# The same outputs from the azd environment, which azd fills from the deployment it made (lines NAME="value").
read_azd_outputs() {
  local line name value wanted
  while IFS= read -r line; do
    name="${line%%=*}"
    value="${line#*=}"
    value="${value#\"}"
    value="${value%\"}"
    for wanted in "${OUTPUT_NAMES[@]}"; do
      if [[ "$name" == "$wanted" ]]; then
        printf -v "$name" '%s' "$value"
      fi
    done
  done < <(azd env get-values)
  resource_group="${resource_group:-$AZURE_RESOURCE_GROUP}"
  [[ -n "$resource_group" ]] || die "the azd environment has no AZURE_RESOURCE_GROUP: run 'azd provision' first"
}

# Exit status 0: the secret exists; 1: it does not. Waits while Key Vault still answers Forbidden.
secret_exists() {
  local vault="$1" name="$2" error attempt
  for ((attempt = 1; attempt <= 18; attempt++)); do
    if error="$(az keyvault secret show --vault-name "$vault" --name "$name" --query id --output tsv 2>&1 >/dev/null)"; then
      return 0
    fi
    if grep -qiE 'SecretNotFound|was not found' <<<"$error"; then
      return 1
    fi
    log "waiting for access to Key Vault $vault (role assignments propagate): ${error%%$'\n'*}"
    sleep 10
  done
  die "cannot read Key Vault $vault: $error"
}

# Stores a secret read from standard input, so the value never appears on a command line.
store_secret() {
  local vault="$1" name="$2" file
  file="$(mktemp)"
  chmod 600 "$file"
  cat >"$file"
  if ! retry 12 10 az keyvault secret set --vault-name "$vault" --name "$name" --file "$file" --encoding utf-8 --output none; then
    rm -f "$file"
    die "could not write secret $name to Key Vault $vault"
  fi
  rm -f "$file"
  log "stored secret $name in $vault"
}

random_key() {
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# The Key Vault secret of the first API key (the one the printed commands and --unpause use).
first_api_key_secret() {
  local pair="${API_KEY_SECRETS%% *}"
  printf '%s' "${pair#*=}"
}

ensure_secrets() {
  local pair key_name secret variable value
  [[ -n "$API_KEY_SECRETS" ]] || die "the deployment has no API_KEY_SECRETS output"
  for pair in $API_KEY_SECRETS; do
    key_name="${pair%%=*}"
    secret="${pair#*=}"
    variable="SERVERLESS_API_KEY_$(tr '[:lower:]' '[:upper:]' <<<"$key_name")"
    value="${!variable:-}"
    if [[ -z "$value" && "$key_name" == default ]]; then
      value="${SERVERLESS_API_KEY:-}"
    fi
    if [[ -n "$value" ]]; then
      printf '%s' "$value" | store_secret "$KEY_VAULT_NAME" "$secret"
    elif ! secret_exists "$KEY_VAULT_NAME" "$secret"; then
      random_key | store_secret "$KEY_VAULT_NAME" "$secret"
      log "generated API key '$key_name' (Key Vault secret $secret)"
    fi
  done

  if [[ "$SPARK_BACKEND" == "databricks" ]]; then
    if [[ -n "${DATABRICKS_TOKEN:-}" ]]; then
      printf '%s' "$DATABRICKS_TOKEN" | store_secret "$KEY_VAULT_NAME" "$DATABRICKS_TOKEN_SECRET_NAME"
    elif ! secret_exists "$KEY_VAULT_NAME" "$DATABRICKS_TOKEN_SECRET_NAME"; then
      log "creating a Databricks personal access token (90 days) for the app"
      local token
      token="$(az rest --method post --resource "$DATABRICKS_RESOURCE_ID" \
        --url "$DATABRICKS_WORKSPACE_URL/api/2.0/token/create" \
        --body '{"lifetime_seconds": 7776000, "comment": "serverless functions app"}' \
        --query token_value --output tsv)" ||
        die "could not create a Databricks token: set DATABRICKS_TOKEN and run again"
      printf '%s' "$token" | store_secret "$KEY_VAULT_NAME" "$DATABRICKS_TOKEN_SECRET_NAME"
    fi
  fi
}

# Synapse RBAC is a data-plane permission ARM cannot grant: the app identity may submit Spark jobs.
grant_synapse_access() {
  [[ "$SPARK_BACKEND" == "synapse" ]] || return 0
  local role="Synapse Compute Operator" existing
  existing="$(az synapse role assignment list --workspace-name "$SYNAPSE_WORKSPACE_NAME" \
    --role "$role" --assignee "$MANAGED_IDENTITY_PRINCIPAL_ID" --query 'length(@)' --output tsv 2>/dev/null || echo 0)"
  if [[ "$existing" != "0" ]]; then
    return
  fi
  log "granting $role on $SYNAPSE_WORKSPACE_NAME to the app identity"
  retry 6 20 az synapse role assignment create --workspace-name "$SYNAPSE_WORKSPACE_NAME" \
    --role "$role" --assignee-object-id "$MANAGED_IDENTITY_PRINCIPAL_ID" \
    --assignee-principal-type ServicePrincipal --output none ||
    die "could not grant $role on Synapse workspace $SYNAPSE_WORKSPACE_NAME (the deployer must be a Synapse Administrator)"
}

# Fails unless a publish output is a package the Functions host can run as an isolated worker app.
check_package() {
  local app="$1" file missing=()
  for file in "${PACKAGE_FILES[@]}"; do
    [[ -f "$app/$file" ]] || missing+=("$file")
  done
  if [[ ! -d "$app/$PACKAGE_EXTENSIONS_FOLDER" ]] || [[ -z "$(ls -A "$app/$PACKAGE_EXTENSIONS_FOLDER")" ]]; then
    missing+=("$PACKAGE_EXTENSIONS_FOLDER/")
  fi
  ((${#missing[@]} == 0)) ||
    die "the publish output is not a Functions isolated worker package: ${missing[*]} missing (does functions/Serverless.Functions use Microsoft.Azure.Functions.Worker.Sdk?)"
  local functions
  functions="$({ grep -o '"entryPoint"' "$app/functions.metadata" || true; } | wc -l | tr -d ' ')"
  ((functions > 0)) || die "functions.metadata lists no functions"
  log "package: $functions functions"
}

# Publishes the app, checks the output and zips it; prints the zip path.
build_package() {
  local app="$work_dir/app" package="$work_dir/$PACKAGE_NAME"
  mkdir -p "$app"
  log "publishing functions/Serverless.Functions (Release, linux-x64)"
  # Framework-dependent: Flex Consumption provides the .NET 10 runtime (functionAppConfig.runtime).
  dotnet publish "$repo_root/functions/Serverless.Functions" -c Release -r linux-x64 --self-contained false \
    -o "$app" -nologo -v quiet >&2 || die "dotnet publish functions/Serverless.Functions failed (its errors are above)"
  check_package "$app"
  # zip -r includes dot folders, so .azurefunctions/ is in the package.
  (cd "$app" && zip -qr "$package" .)
  log "package size: $(du -h "$package" | cut -f1)"
  printf '%s\n' "$package"
}

# Writes the header that carries a key to a file (mode 600), so the key never appears on a command line.
key_header_file() {
  local file
  file="$(mktemp "$work_dir/header.XXXXXX")"
  chmod 600 "$file"
  printf 'x-functions-key: %s\n' "$1" >"$file"
  printf '%s\n' "$file"
}

durable_system_key() {
  az functionapp keys list --resource-group "$resource_group" --name "$FUNCTION_APP_NAME" \
    --query systemKeys.durabletask_extension --output tsv
}

# Waits until the Durable Functions management API reports no running or pending orchestration, so new code does
# not replay histories written by the old code. New scheduled runs still start meanwhile: pause them first.
drain_runs() {
  local timeout="${SERVERLESS_DRAIN_TIMEOUT_SECONDS:-3600}" poll="${SERVERLESS_DRAIN_POLL_SECONDS:-30}"
  local key header deadline count
  key="$(durable_system_key)" || die "could not read the Durable Functions system key of $FUNCTION_APP_NAME"
  [[ -n "$key" ]] || die "$FUNCTION_APP_NAME has no durabletask_extension system key yet: is a Durable Functions app deployed?"
  header="$(key_header_file "$key")"
  deadline=$((SECONDS + timeout))
  local instances
  while true; do
    instances="$(curl -fsS -H "@$header" \
      "$FUNCTION_APP_URL/runtime/webhooks/durabletask/instances?runtimeStatus=Running,Pending&top=1000")" ||
      die "could not list the runs in flight through the Durable Functions management API"
    count="$({ grep -o '"instanceId"' <<<"$instances" || true; } | wc -l | tr -d ' ')"
    if ((count == 0)); then
      log "no run in flight"
      return
    fi
    ((SECONDS < deadline)) || die "$count runs still in flight after ${timeout}s; deploy later, or use orchestration versioning"
    log "$count runs in flight; waiting ${poll}s"
    sleep "$poll"
  done
}

deploy_package() {
  log "deploying the package to $FUNCTION_APP_NAME (Flex Consumption one deploy)"
  az functionapp deployment source config-zip --resource-group "$resource_group" --name "$FUNCTION_APP_NAME" \
    --src "$1" --output none
}

upload_blob() {
  local container="$1" file="$2" name="$3"
  retry 12 10 az storage blob upload --auth-mode login --account-name "$STORAGE_ACCOUNT_NAME" \
    --container-name "$container" --name "$name" --file "$file" --overwrite --output none ||
    die "could not upload $file to container $container (the deployer needs Storage Blob Data Contributor; see deployerPrincipalId)"
}

# The DAG folder tree with its relative paths: DAG files (YAML, JSON) and what their tasks reference (SQL files,
# PySpark scripts, JARs). Hidden folders and other files (README.md) stay behind.
upload_dags() {
  local file count=0
  while IFS= read -r -d '' file; do
    upload_blob "$DAG_CONTAINER" "$file" "${file#"$dag_dir"/}"
    count=$((count + 1))
  done < <(find "$dag_dir" -mindepth 1 -name '.*' -prune -o -type f \( -iname '*.yaml' -o -iname '*.yml' -o -iname '*.json' \
    -o -iname '*.sql' -o -iname '*.py' -o -iname '*.jar' \) -print0 | sort -z)
  log "uploaded $count DAG files from $dag_dir to container $DAG_CONTAINER"
}

upload_runner() {
  local runner="$repo_root/orchestrations/spark/sql_runner.py" name
  if [[ ! -f "$runner" ]]; then
    log "warning: $runner not found; the app uploads the runner on the first cluster job instead"
    return
  fi
  # Same content-addressed name the Spark layer uploads on first use (runner/sql_runner-<12 hex of SHA-256>.py),
  # so clusters can run the first job before the app has staged anything.
  name="runner/sql_runner-$(sha256_hex "$runner" | cut -c1-12).py"
  upload_blob "$SPARK_SCRIPTS_CONTAINER" "$runner" "$name"
  log "uploaded $name to container $SPARK_SCRIPTS_CONTAINER"
}

upload_sample_data() {
  if [[ ! -d "$data_dir" && "$data_dir" == "$repo_root/node_modules/vega-datasets/data" ]]; then
    require npm "the sample data is an npm package (vega-datasets): install Node.js, or pass --data DIR"
    "$repo_root/scripts/ensure-npm.sh"
  fi
  local name
  for name in "${SAMPLE_FILES[@]}"; do
    [[ -f "$data_dir/$name" ]] || die "sample data file $data_dir/$name is missing"
  done
  for name in "${SAMPLE_FILES[@]}"; do
    upload_blob "$SPARK_DATA_CONTAINER" "$data_dir/$name" "samples/$name"
  done
  log "uploaded ${#SAMPLE_FILES[@]} sample data files to $SPARK_DATA_CONTAINER/samples/"
}

# POSTs to the app's API with the first API key. Retries while the app starts (connection errors, 5xx) and while a
# running app has not re-read the DAG container yet (404), for about two minutes.
post_api() {
  local path="$1" header="$2" delay="${SERVERLESS_API_RETRY_SECONDS:-10}" status attempt
  for ((attempt = 1; attempt <= 12; attempt++)); do
    status="$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "@$header" "$FUNCTION_APP_URL$path" || true)"
    case "$status" in
      2??) return 0 ;;
      000 | 404 | 5??) log "POST $path: HTTP $status (the app may be starting or loading DAGs); retrying in ${delay}s"; sleep "$delay" ;;
      *) die "POST $path answered HTTP $status" ;;
    esac
  done
  die "POST $path kept failing (HTTP $status): is the DAG id right, and does the app have the pause API?"
}

unpause() {
  local key header dag
  key="$(az keyvault secret show --vault-name "$KEY_VAULT_NAME" --name "$(first_api_key_secret)" --query value --output tsv)" ||
    die "could not read the API key from Key Vault $KEY_VAULT_NAME"
  header="$(key_header_file "$key")"
  for dag in "${unpause_dags[@]}"; do
    post_api "/api/dags/$dag/unpause" "$header"
    log "unpaused $dag"
  done
}

sha256_hex() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# What a user needs next; commands that read keys are printed, never the keys themselves.
print_summary() {
  local secret key_command system_key_command
  secret="$(first_api_key_secret)"
  key_command="az keyvault secret show --vault-name $KEY_VAULT_NAME --name $secret --query value -o tsv"
  system_key_command="az functionapp keys list -g $resource_group -n $FUNCTION_APP_NAME --query systemKeys.durabletask_extension -o tsv"
  cat <<EOF
Serverless is deployed to $FUNCTION_APP_NAME (Spark backend: $SPARK_BACKEND).
  API:        $FUNCTION_APP_URL/api
  API keys:   $API_KEY_SECRETS (key name=Key Vault secret); read one with:
              $key_command
  Durable Functions management API ($FUNCTION_APP_URL/runtime/webhooks/durabletask), system key:
              $system_key_command
  Trigger the hello DAG:
    KEY=\$($key_command)
    curl -si -X POST "$FUNCTION_APP_URL/api/dags/hello/runs" -H "x-functions-key: \$KEY" -H 'content-type: application/json' -d '{}'
EOF
}

main() {
  parse_arguments "$@"
  check_prerequisites
  work_dir="$(mktemp -d)"

  if [[ "$skip_infra" == false ]]; then
    ensure_resource_group
    deploy_infrastructure
  fi
  if [[ "$from_azd" == true ]]; then
    read_azd_outputs
  else
    read_outputs
  fi
  [[ -n "$FUNCTION_APP_NAME" ]] || die "the deployment has no FUNCTION_APP_NAME output"
  # Secrets first: the app refuses to start while a Key Vault reference it needs cannot be resolved.
  ensure_secrets
  grant_synapse_access

  local package=""
  if [[ "$skip_app" == false ]]; then
    package="$(build_package)"
  fi
  # Files before code: the app loads the DAG container when it first needs it, so a fresh start sees the new DAGs.
  # Runs in flight are not affected, since each run's input pins its DAG definition.
  if [[ "$skip_files" == false ]]; then
    upload_dags
    upload_runner
  fi
  if [[ "$with_data" == true ]]; then
    upload_sample_data
  fi
  if [[ -n "$package" ]]; then
    if [[ "$drain" == true ]]; then
      drain_runs
    fi
    deploy_package "$package"
  fi
  if ((${#unpause_dags[@]} > 0)); then
    unpause
  fi
  print_summary
}

main "$@"
