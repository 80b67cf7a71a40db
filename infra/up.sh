#!/usr/bin/env bash
# Brings up PostgreSQL 15 and RabbitMQ on loopback for local runs and tests, without Docker.
# Installs what is missing (Debian packages), starts both, creates the database, the user and the
# RabbitMQ management and Prometheus plugins, and waits until each accepts connections. Idempotent and quiet.
set -euo pipefail

PG_USER=${DONATIONS_PG_USER:-donations}
PG_PASSWORD=${DONATIONS_PG_PASSWORD:-donations}
PG_DB=${DONATIONS_PG_DB:-donations}

log() { echo "infra: $*" >&2; }

wait_for() { # name, seconds, command...
  local name=$1 seconds=$2; shift 2
  for _ in $(seq 1 "$seconds"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  log "$name did not become ready within ${seconds}s"; return 1
}

apt_updated=0
ensure_package() { # package, command it provides
  command -v "$2" >/dev/null 2>&1 && return 0
  if [ "$apt_updated" = 0 ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
  log "installing $1"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}

# --- PostgreSQL ---
ensure_package postgresql pg_ctlcluster
# Room for the demo and a test run at once (each service instance pools up to ~15 connections; the default is 100).
pg_conf=/etc/postgresql/15/main/conf.d/donations.conf
pg_settings="max_connections = 300"
if [ "$(cat "$pg_conf" 2>/dev/null)" != "$pg_settings" ]; then
  echo "$pg_settings" > "$pg_conf"
  pg_lsclusters -h | awk '$1==15 && $2=="main"' | grep -q online && { log "restarting PostgreSQL for its new settings"; pg_ctlcluster 15 main restart; }
fi
if ! pg_lsclusters -h | awk '$1==15 && $2=="main"' | grep -q online; then
  pg_ctlcluster 15 main start
fi
wait_for postgresql 60 pg_isready -q -h 127.0.0.1 -p 5432
runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'" | grep -q 1 ||
  runuser -u postgres -- psql -qc "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'"
runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_database WHERE datname='$PG_DB'" | grep -q 1 ||
  runuser -u postgres -- psql -qc "CREATE DATABASE $PG_DB OWNER $PG_USER"

# --- RabbitMQ ---
ensure_package rabbitmq-server rabbitmq-server
if ! rabbitmqctl -q status >/dev/null 2>&1; then
  # Debian's unit is not running under a container init; start the broker detached ourselves.
  RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 nohup rabbitmq-server >/var/log/rabbitmq/donations-broker.out 2>&1 &
  wait_for rabbitmq 90 rabbitmqctl -q await_startup
fi
for plugin in rabbitmq_management rabbitmq_prometheus; do # queue depths for infra/monitor.sh come from rabbitmq_prometheus (port 15692)
  rabbitmq-plugins -q is_enabled "$plugin" >/dev/null 2>&1 || rabbitmq-plugins -q enable "$plugin" >/dev/null
done
wait_for "rabbitmq amqp" 60 bash -c 'exec 3<>/dev/tcp/127.0.0.1/5672'
wait_for "rabbitmq management" 60 curl -fsS -u guest:guest http://127.0.0.1:15672/api/overview
wait_for "rabbitmq prometheus" 60 curl -fsS -o /dev/null http://127.0.0.1:15692/metrics
