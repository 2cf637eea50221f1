# The VS Code extension's npm packages (vscode-textmate, vscode-oniguruma,
# VS Code's SQL grammar, @vscode/vsce), pinned by its package-lock.json, for
# the grammar and packaging tests in tests/editors (sourced by .ci/run).
(cd editors/vscode && npm ci --silent --no-audit --no-fund >/dev/null)
