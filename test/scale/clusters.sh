#!/usr/bin/env bash
# Issue 16 proof: a PostgreSQL primary and a streaming replica (pg_basebackup -R) of Debian's PostgreSQL, on their own
# ports and cluster names, beside (never touching) the machine's `main` cluster. Run as root; the servers run as the
# postgres OS user.   up: create, start, print the URLs as shell variables   down: stop and remove both.
set -euo pipefail
PGVER=${PGVER:-$(ls /etc/postgresql | sort -n | tail -1)}
PRIMARY=${SCALE_PRIMARY_CLUSTER:-shn_scale_primary}
REPLICA=${SCALE_REPLICA_CLUSTER:-shn_scale_replica}
PRIMARY_PORT=${SCALE_PRIMARY_PORT:-5441}
REPLICA_PORT=${SCALE_REPLICA_PORT:-5442}
STATE=${SCALE_STATE_FILE:-/tmp/shn-scale-clusters.env}

as_pg() { su postgres -s /bin/bash -c "$*"; }
exists() { pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$PGVER $1"; }

down() {
  for c in "$REPLICA" "$PRIMARY"; do
    if exists "$c"; then pg_dropcluster --stop "$PGVER" "$c"; fi
  done
  rm -f "$STATE"
}

up() {
  down
  local app_pw repl_pw su_pw
  app_pw="app-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  repl_pw="repl-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  su_pw="su-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

  pg_createcluster "$PGVER" "$PRIMARY" -p "$PRIMARY_PORT" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  local conf=/etc/postgresql/$PGVER/$PRIMARY
  cat >>"$conf/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 5
hot_standby = on
shared_buffers = 64MB
max_connections = 60
CONF
  pg_ctlcluster --skip-systemctl-redirect "$PGVER" "$PRIMARY" start
  as_pg "psql -q -p $PRIMARY_PORT -v ON_ERROR_STOP=1" <<SQL
CREATE ROLE shn_scale LOGIN CREATEDB PASSWORD '$app_pw';
CREATE ROLE shn_scale_repl LOGIN REPLICATION PASSWORD '$repl_pw';
CREATE ROLE shn_scale_su LOGIN SUPERUSER PASSWORD '$su_pw';
CREATE DATABASE shn_scale OWNER shn_scale;
SQL

  # The replica: an empty cluster whose data folder is replaced by a base backup of the primary; -R writes
  # standby.signal and primary_conninfo, so it starts streaming from the primary.
  pg_createcluster "$PGVER" "$REPLICA" -p "$REPLICA_PORT" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  local rdata
  rdata=$(pg_lsclusters -h | awk -v v="$PGVER" -v c="$REPLICA" '$1==v && $2==c {print $6}')
  rm -rf "${rdata:?}"/*
  as_pg "PGPASSWORD='$repl_pw' pg_basebackup -h 127.0.0.1 -p $PRIMARY_PORT -U shn_scale_repl -D '$rdata' -R -X stream -c fast"
  cat >>"/etc/postgresql/$PGVER/$REPLICA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
hot_standby = on
shared_buffers = 64MB
max_connections = 60
CONF
  pg_ctlcluster --skip-systemctl-redirect "$PGVER" "$REPLICA" start
  for _ in $(seq 1 60); do
    if as_pg "psql -At -p $REPLICA_PORT -c 'select pg_is_in_recovery()'" 2>/dev/null | grep -qx t; then break; fi
    sleep 0.5
  done
  cat >"$STATE" <<ENV
SCALE_PRIMARY_URL=postgres://shn_scale:$app_pw@127.0.0.1:$PRIMARY_PORT/shn_scale
SCALE_REPLICA_URL=postgres://shn_scale:$app_pw@127.0.0.1:$REPLICA_PORT/shn_scale
SCALE_PRIMARY_SU_URL=postgres://shn_scale_su:$su_pw@127.0.0.1:$PRIMARY_PORT/postgres
SCALE_REPLICA_SU_URL=postgres://shn_scale_su:$su_pw@127.0.0.1:$REPLICA_PORT/postgres
ENV
  chmod 600 "$STATE"
  echo "clusters up; URLs in $STATE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
