# The sqlite3 shell, for the cli backend's tests (sourced by .ci/run).
if ! command -v sqlite3 >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq sqlite3 >/dev/null
fi
