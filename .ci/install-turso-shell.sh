# Turso's shell `tursodb`, from npm (no Rust toolchain needed); sourced by .ci/run.
turso_dir="$PWD/.cache/turso"
export SQLTEST_TURSODB="$turso_dir/node_modules/@tursodatabase/cli-linux-x64-gnu/tursodb"
if [ ! -x "$SQLTEST_TURSODB" ]; then
    mkdir -p "$turso_dir"
    (cd "$turso_dir" && npm install --silent --no-audit --no-fund turso@0.6.0 >/dev/null)
fi
