#!/usr/bin/env bash
# ./test.sh runs ./run.sh too, so CI proves the README's first command works end to end.
set -euo pipefail
cd "$(dirname "$0")/../.."
# run.sh must not reuse the test Azurite: unset the test storage so it starts (or finds) its own.
env -u SERVERLESS_TEST_STORAGE ./run.sh
