#!/usr/bin/env bash
# Deploys Serverless to an Azure resource group, from a clone of the repository:
#   1. main.bicep (storage, identity, monitoring, Key Vault, Function App, optional Spark backend),
#   2. secrets into Key Vault (the HTTP API key; the Databricks token when that backend is chosen),
#   3. the Functions app: published self-contained for linux-x64, zipped with host.json and the function folders,
#   4. the DAG files (orchestrations/dags) and the Spark runner script (orchestrations/spark/sql_runner.py).
#
# Prerequisites: az (signed in, Owner or User Access Administrator on the resource group: the template assigns
# roles), dotnet (the SDK in global.json), zip.
#
# Usage: infra-bicep/deploy.sh -g <resource-group> [options]   (see --help)
#
# Environment variables (optional):
#   SERVERLESS_API_KEY   API key to store; when unset, an existing key is kept or a random one is generated.
#   DATABRICKS_TOKEN     Databricks token to store; when unset (databricks backend), an existing one is kept or
#                        a personal access token is created for the signed-in deployer.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# SERVERLESS_REPO_ROOT lets the tests point the script at a fixture tree.
repo_root="${SERVERLESS_REPO_ROOT:-$(cd "$script_dir/.." && pwd)}"
stage_dir=""
cleanup() { [[ -z "$stage_dir" ]] || rm -rf "$stage_dir"; }
trap cleanup EXIT

# Outputs of main.bicep this script reads (Serverless.Infra.Tests checks each exists in the template).
OUTPUT_NAMES=(
  FUNCTION_APP_NAME
  FUNCTION_APP_URL
  FUNCTION_APP_HOSTING_PLAN
  STORAGE_ACCOUNT_NAME
  DEPLOYMENT_CONTAINER
  DEPLOYMENT_PACKAGE_URL
  DAG_CONTAINER
  SPARK_SCRIPTS_CONTAINER
  KEY_VAULT_NAME
  API_KEY_SECRET_NAME
  MANAGED_IDENTITY_PRINCIPAL_ID
  SPARK_BACKEND
  SYNAPSE_WORKSPACE_NAME
  DATABRICKS_WORKSPACE_URL
  DATABRICKS_TOKEN_SECRET_NAME
)
# Filled by read_outputs, one per name above.
FUNCTION_APP_NAME="" FUNCTION_APP_URL="" FUNCTION_APP_HOSTING_PLAN="" STORAGE_ACCOUNT_NAME="" DEPLOYMENT_CONTAINER=""
DEPLOYMENT_PACKAGE_URL="" DAG_CONTAINER="" SPARK_SCRIPTS_CONTAINER="" KEY_VAULT_NAME="" API_KEY_SECRET_NAME=""
MANAGED_IDENTITY_PRINCIPAL_ID="" SPARK_BACKEND="" SYNAPSE_WORKSPACE_NAME="" DATABRICKS_WORKSPACE_URL=""
DATABRICKS_TOKEN_SECRET_NAME=""

# Azure Databricks' first-party application ID: the audience of Entra ID tokens for the Databricks REST API.
readonly DATABRICKS_RESOURCE_ID="2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"
readonly DEPLOYMENT_NAME="serverless"
readonly PACKAGE_NAME="serverless-functions.zip"

resource_group=""
location=""
environment_name="dev"
hosting_plan=""
spark_backend=""
skip_infra=false
skip_app=false
skip_files=false

usage() {
  cat <<'EOF'
Usage: infra-bicep/deploy.sh -g <resource-group> [options]

  -g, --resource-group NAME   resource group to deploy to (created when it does not exist; then -l is required)
  -l, --location REGION       Azure region, for example westeurope (default: the resource group's region)
  -e, --environment NAME      environment name, part of resource names and tags (default: dev)
  -p, --plan PLAN             FlexConsumption (default) or ElasticPremium
  -s, --spark BACKEND         none (default: embedded engine), synapse or databricks
      --skip-infra            reuse the outputs of the last deployment instead of deploying main.bicep
      --skip-app              do not build and deploy the Functions app
      --skip-files            do not upload DAG files and the Spark runner script
  -h, --help                  show this help

Parameters not given here come from infra-bicep/main.parameters.json.
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
      -p | --plan) hosting_plan="${2:?$1 needs a value}"; shift 2 ;;
      -s | --spark) spark_backend="${2:?$1 needs a value}"; shift 2 ;;
      --skip-infra) skip_infra=true; shift ;;
      --skip-app) skip_app=true; shift ;;
      --skip-files) skip_files=true; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
  done

  [[ -n "$resource_group" ]] || { usage >&2; die "the resource group (-g) is required"; }
  case "$hosting_plan" in
    "" | FlexConsumption | ElasticPremium) ;;
    *) die "--plan must be FlexConsumption or ElasticPremium, not '$hosting_plan'" ;;
  esac
  case "$spark_backend" in
    "" | none | synapse | databricks) ;;
    *) die "--spark must be none, synapse or databricks, not '$spark_backend'" ;;
  esac
}

check_prerequisites() {
  command -v az >/dev/null 2>&1 ||
    die "the Azure CLI (az) is not installed: see https://learn.microsoft.com/cli/azure/install-azure-cli"
  if [[ "$skip_app" == false ]]; then
    command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is not installed: it builds the Functions app"
    command -v zip >/dev/null 2>&1 || die "zip is not installed (for example: sudo apt-get install zip)"
    [[ -d "$repo_root/functions/Serverless.Functions" ]] ||
      die "functions/Serverless.Functions is missing: run this script from a full clone of the repository"
    [[ -f "$repo_root/functions/host.json" ]] || die "functions/host.json is missing"
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
  local deployer_id deployer_type
  read -r deployer_id deployer_type < <(deployer_principal)
  [[ -n "$deployer_id" ]] || die "could not find the object ID of the signed-in account"

  local parameters=(
    "@$script_dir/main.parameters.json"
    "environmentName=$environment_name"
    "deployerPrincipalId=$deployer_id"
    "deployerPrincipalType=$deployer_type"
  )
  [[ -n "$location" ]] && parameters+=("location=$location")
  [[ -n "$hosting_plan" ]] && parameters+=("hostingPlan=$hosting_plan")
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
  IFS='|' read -r -a fields <<<"$values"
  local index
  for index in "${!OUTPUT_NAMES[@]}"; do
    printf -v "${OUTPUT_NAMES[$index]}" '%s' "${fields[$index]:-}"
  done
  [[ -n "$FUNCTION_APP_NAME" ]] || die "the deployment has no FUNCTION_APP_NAME output"
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

ensure_secrets() {
  if [[ -n "${SERVERLESS_API_KEY:-}" ]]; then
    printf '%s' "$SERVERLESS_API_KEY" | store_secret "$KEY_VAULT_NAME" "$API_KEY_SECRET_NAME"
  elif ! secret_exists "$KEY_VAULT_NAME" "$API_KEY_SECRET_NAME"; then
    random_key | store_secret "$KEY_VAULT_NAME" "$API_KEY_SECRET_NAME"
    log "generated an API key; read it with: az keyvault secret show --vault-name $KEY_VAULT_NAME --name $API_KEY_SECRET_NAME --query value -o tsv"
  fi

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

# Publishes the app and zips it with host.json and every function folder; prints the zip path.
build_package() {
  local stage="$stage_dir" app="$stage_dir/app"
  mkdir -p "$app"

  log "publishing functions/Serverless.Functions (Release, linux-x64, self-contained)"
  dotnet publish "$repo_root/functions/Serverless.Functions" -c Release -r linux-x64 --self-contained \
    -o "$app" -nologo -v quiet >&2

  cp "$repo_root/functions/host.json" "$app/"
  local function_json folder count=0
  for function_json in "$repo_root"/functions/*/function.json; do
    [[ -e "$function_json" ]] || continue
    folder="$(basename "$(dirname "$function_json")")"
    mkdir -p "$app/$folder"
    cp "$function_json" "$app/$folder/"
    count=$((count + 1))
  done
  ((count > 0)) || die "no functions/*/function.json found: nothing for the Functions host to trigger"
  [[ -f "$app/Serverless.Functions" ]] || die "the publish output has no Serverless.Functions executable"
  chmod +x "$app/Serverless.Functions"

  # zip keeps the execute bit, which the Functions host needs to start the custom handler.
  (cd "$app" && zip -qr "$stage/$PACKAGE_NAME" .)
  log "package: $count functions, $(du -h "$stage/$PACKAGE_NAME" | cut -f1)"
  printf '%s\n' "$stage/$PACKAGE_NAME"
}

deploy_package() {
  local package="$1"
  if [[ "$FUNCTION_APP_HOSTING_PLAN" == "FlexConsumption" ]]; then
    # On Flex Consumption the CLI uploads to the deployment container through the app's one-deploy endpoint.
    log "deploying the package to $FUNCTION_APP_NAME (Flex Consumption)"
    az functionapp deployment source config-zip --resource-group "$resource_group" --name "$FUNCTION_APP_NAME" \
      --src "$package" --output none
  else
    # Elastic Premium runs from the package blob (WEBSITE_RUN_FROM_PACKAGE), fetched with the app identity.
    log "uploading the package to $DEPLOYMENT_PACKAGE_URL and restarting $FUNCTION_APP_NAME"
    retry 12 10 az storage blob upload --auth-mode login --account-name "$STORAGE_ACCOUNT_NAME" \
      --container-name "$DEPLOYMENT_CONTAINER" --name "$PACKAGE_NAME" --file "$package" --overwrite --output none ||
      die "could not upload the package (the deployer needs Storage Blob Data Contributor; see deployerPrincipalId)"
    az functionapp restart --resource-group "$resource_group" --name "$FUNCTION_APP_NAME" --output none
  fi
}

upload_blob() {
  local container="$1" file="$2" name="$3"
  retry 12 10 az storage blob upload --auth-mode login --account-name "$STORAGE_ACCOUNT_NAME" \
    --container-name "$container" --name "$name" --file "$file" --overwrite --output none ||
    die "could not upload $file to container $container"
}

upload_files() {
  local file count=0
  shopt -s nullglob
  for file in "$repo_root"/orchestrations/dags/*.yaml "$repo_root"/orchestrations/dags/*.yml "$repo_root"/orchestrations/dags/*.json; do
    upload_blob "$DAG_CONTAINER" "$file" "$(basename "$file")"
    count=$((count + 1))
  done
  shopt -u nullglob
  log "uploaded $count DAG files to container $DAG_CONTAINER"

  local runner="$repo_root/orchestrations/spark/sql_runner.py" name
  if [[ -f "$runner" ]]; then
    # Same content-addressed name the Spark layer uploads on first use (runner/sql_runner-<12 hex of SHA-256>.py),
    # so clusters can run the first job before the app has staged anything.
    name="runner/sql_runner-$(sha256_hex "$runner" | cut -c1-12).py"
    upload_blob "$SPARK_SCRIPTS_CONTAINER" "$runner" "$name"
    log "uploaded $name to container $SPARK_SCRIPTS_CONTAINER"
  else
    log "warning: $runner not found; the app uploads the runner on the first cluster job instead"
  fi
}

sha256_hex() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

main() {
  parse_arguments "$@"
  check_prerequisites

  if [[ "$skip_infra" == false ]]; then
    ensure_resource_group
    deploy_infrastructure
  fi
  read_outputs
  ensure_secrets
  grant_synapse_access

  if [[ "$skip_app" == false ]]; then
    local package
    stage_dir="$(mktemp -d)"
    package="$(build_package)"
    deploy_package "$package"
  fi
  if [[ "$skip_files" == false ]]; then
    upload_files
  fi

  log "done: $FUNCTION_APP_URL (plan $FUNCTION_APP_HOSTING_PLAN, Spark backend $SPARK_BACKEND)"
  log "API key: az keyvault secret show --vault-name $KEY_VAULT_NAME --name $API_KEY_SECRET_NAME --query value -o tsv"
}

main "$@"
