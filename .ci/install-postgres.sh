# A throwaway PostgreSQL server for the postgres backend's tests; sourced by .ci/run.
# Installs Debian's server if needed, runs a private cluster as the postgres
# user on 127.0.0.1 (port 5432 when free) and exports SQLTEST_DSN. Idempotent:
# a cluster already running from the same directory is reused.

# Memory-backed storage makes CREATE DATABASE several times faster (when roomy).
pg_data="${SQLTEST_PGDATA:-}"
if [ -z "$pg_data" ]; then
    pg_data=/tmp/pytest-sqltest-postgres
    if [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -gt 1048576 ] \
        2>/dev/null; then
        pg_data=/dev/shm/pytest-sqltest-postgres
    fi
fi
mkdir -p "$pg_data"
pg_data="$(cd "$pg_data" && pwd)"
pg_role=sqltest
pg_password="${SQLTEST_PGPASSWORD:-sqltest-ci-password}"

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
fi
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

# Root may not run the server: every server command runs as its owner, from
# a directory that the owner may enter.
pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

pg_free_port() {
    python3 - <<'EOF'
import socket

for port in (5432, 0):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(probe.getsockname()[1])
        break
EOF
}

if [ ! -s "$pg_data/PG_VERSION" ]; then
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$pg_data"
    fi
    chmod 700 "$pg_data"
    pg_as_owner "$pg_bin/initdb" -D "$pg_data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=peer --auth-host=scram-sha-256 >/dev/null
fi

pg_proc() {
    cat "/proc/$1/stat" 2>/dev/null || true
}

# A server killed with its session leaves postmaster.pid behind. Postgres
# itself replaces one whose process is gone, but not one naming an unreaped
# (zombie) postmaster or a process that has since reused the pid.
pg_pid_file="$pg_data/postmaster.pid"
if [ -f "$pg_pid_file" ]; then
    pg_pid="$(head -n 1 "$pg_pid_file")"
    for _ in $(seq 30); do
        case "$(pg_proc "$pg_pid")" in
            *"(postgres) Z"*) sleep 1 ;;
            *) break ;;
        esac
    done
    case "$(pg_proc "$pg_pid")" in
        "" | *"(postgres) "[!Z]*) ;;
        *) rm -f "$pg_pid_file" "$pg_data"/.s.PGSQL.*.lock ;;
    esac
fi
if ! pg_as_owner "$pg_bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; then
    # Durability is pointless for a server whose databases live for one test.
    pg_as_owner "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
        -o "-p $(pg_free_port) -k $pg_data -c listen_addresses=127.0.0.1 \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null
fi
# Line 4 of postmaster.pid is the port the running server listens on.
pg_port="$(sed -n 4p "$pg_pid_file")"
for _ in $(seq 60); do
    pg_as_owner "$pg_bin/pg_isready" -q -h "$pg_data" -p "$pg_port" && break
    sleep 1
done

pg_as_owner "$pg_bin/psql" -q -h "$pg_data" -p "$pg_port" -U postgres -d postgres \
    -v ON_ERROR_STOP=1 -v role="$pg_role" -v password="$pg_password" >/dev/null <<'EOF'
SET client_min_messages = warning;
SELECT format('CREATE ROLE %I', :'role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN CREATEDB PASSWORD :'password';
-- Lets DROP DATABASE ... WITH (FORCE) end an autovacuum worker, too.
GRANT pg_signal_backend TO :"role";
EOF

export SQLTEST_DSN="postgresql://$pg_role:$pg_password@127.0.0.1:$pg_port/postgres"
unset -f pg_as_owner pg_free_port pg_proc
unset pg_data pg_role pg_password pg_bin pg_port pg_pid_file pg_pid
