# The example Node.js bridge's SDK, @tursodatabase/database pinned by its
# package-lock.json, for the bridge backend's tests (sourced by .ci/run).
(cd examples/bridge && npm ci --silent --no-audit --no-fund >/dev/null)
export SQLTEST_NODE_BRIDGE="node $PWD/examples/bridge/bridge.js"
