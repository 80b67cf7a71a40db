#!/usr/bin/env bash
# Monitors the running local system: Prometheus (127.0.0.1:9090) scrapes the three services and RabbitMQ and evaluates
# infra/prometheus/alerts.yml; Alertmanager (127.0.0.1:9093) groups what fires. Installs Debian's prometheus and
# prometheus-alertmanager when missing. Idempotent: a second run reloads the configuration of what is already running.
# `bash infra/monitor.sh stop` stops both. Data and logs are in /var/tmp/donations-monitor (or DONATIONS_MONITOR_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

config=$PWD/infra/prometheus/prometheus.yml
alertmanager_config=$PWD/infra/prometheus/alertmanager.yml
state=${DONATIONS_MONITOR_DIR:-/var/tmp/donations-monitor}

log() { echo "monitor: $*" >&2; }

running() { # name → true when the process in its pid file is alive and is the one started here (its storage is under $state)
  local pid
  pid=$(cat "$state/$1.pid" 2>/dev/null) || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$state/$1"
}

stop() { # name
  running "$1" || { rm -f "$state/$1.pid"; return 0; }
  local pid; pid=$(cat "$state/$1.pid")
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  rm -f "$state/$1.pid"
  log "stopped $1 (pid $pid)"
}

if [ "${1:-}" = stop ]; then
  stop prometheus
  stop alertmanager
  exit 0
fi

apt_updated=0
ensure_package() { # package, command it provides
  command -v "$2" >/dev/null 2>&1 && return 0
  if [ "$apt_updated" = 0 ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
  log "installing $1"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >/dev/null
}
ensure_package prometheus prometheus
ensure_package prometheus-alertmanager prometheus-alertmanager

check() { # command… → quiet when it passes, its output when it fails
  local out
  out=$("$@" 2>&1) || { echo "$out" >&2; log "check failed: $*"; exit 1; }
}
check promtool check config "$config" # the rule files too
check amtool check-config "$alertmanager_config"

# Queue depths come from RabbitMQ's Prometheus plugin; infra/up.sh enables it, a broker started before may lack it.
if command -v rabbitmq-plugins >/dev/null 2>&1 && rabbitmqctl -q status >/dev/null 2>&1; then
  rabbitmq-plugins -q is_enabled rabbitmq_prometheus >/dev/null 2>&1 || rabbitmq-plugins -q enable rabbitmq_prometheus >/dev/null
fi

mkdir -p "$state/prometheus" "$state/alertmanager"

port_taken() { # port → true when something listens on it
  ss -Hltn "sport = :$1" | grep -q .
}

start() { # name, port, ready URL, command...
  local name=$1 port=$2 ready=$3; shift 3
  if running "$name"; then
    if curl -fsS -X POST "http://127.0.0.1:$port/-/reload" >/dev/null; then log "$name already running (pid $(cat "$state/$name.pid")); configuration reloaded"
    else log "$name is running (pid $(cat "$state/$name.pid")) but did not reload; see $state/$name.log"; fi
    return 0
  fi
  if port_taken "$port"; then
    log "port $port is taken by another process, not one this script started:"
    ss -Hltnp "sport = :$port" >&2
    log "stop it (a packaged service: systemctl stop $name) and run this again"
    exit 1
  fi
  nohup "$@" >"$state/$name.log" 2>&1 &
  echo $! >"$state/$name.pid"
  for _ in $(seq 1 60); do curl -fsS "$ready" >/dev/null 2>&1 && { log "started $name (pid $(cat "$state/$name.pid"))"; return 0; }; sleep 0.5; done
  log "$name did not become ready; see $state/$name.log"
  exit 1
}

start alertmanager 9093 http://127.0.0.1:9093/-/ready \
  prometheus-alertmanager --config.file="$alertmanager_config" --storage.path="$state/alertmanager" \
    --web.listen-address=127.0.0.1:9093 --cluster.listen-address=
start prometheus 9090 http://127.0.0.1:9090/-/ready \
  prometheus --config.file="$config" --storage.tsdb.path="$state/prometheus" --storage.tsdb.retention.time=7d \
    --web.listen-address=127.0.0.1:9090 --web.enable-lifecycle

# Targets appear after the first discovery round (5 s) and are scraped within one interval (15 s); wait for that.
for _ in $(seq 1 60); do
  curl -fsS http://127.0.0.1:9090/api/v1/targets |
    jq -e '.data.activeTargets | length > 0 and all(.health != "unknown")' >/dev/null && break
  sleep 0.5
done
targets=$(curl -fsS http://127.0.0.1:9090/api/v1/targets |
  jq -r '.data.activeTargets[] | "  \(.labels.job)\t\(.scrapeUrl)\t\(.health)\(if .lastError != "" then "  (" + .lastError + ")" else "" end)"')

cat <<INFO
Monitoring is running (data and logs in $state):
  Prometheus    http://127.0.0.1:9090          alerts /alerts, targets /targets
  Alertmanager  http://127.0.0.1:9093          or: amtool --alertmanager.url=http://127.0.0.1:9093 alert query
  Runbook       docs/runbook.md                Grafana dashboard to import: infra/grafana/donations.json
Targets:
$targets
Stop: bash infra/monitor.sh stop
INFO
