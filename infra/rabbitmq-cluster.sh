#!/usr/bin/env bash
# A three-node RabbitMQ cluster on loopback, beside the machine's own broker, for the fault suite's cluster run:
# nodes donations-{a,b,c}@localhost, AMQP on 5681-5683, management on 15681-15683, Prometheus on 15701-15703 (the machine's
# own broker has 15692).
#   bash infra/rabbitmq-cluster.sh up         start the nodes (idempotent), join them into one cluster, wait
#   bash infra/rabbitmq-cluster.sh kill NODE  kill -9 one node (a, b or c)
#   bash infra/rabbitmq-cluster.sh start NODE start one node again; it rejoins the cluster by itself
#   bash infra/rabbitmq-cluster.sh down       stop every node and remove their data
set -euo pipefail
BASE=/tmp/donations-rabbitmq-cluster

log() { echo "rabbitmq-cluster: $*" >&2; }
index() { case $1 in a) echo 0 ;; b) echo 1 ;; c) echo 2 ;; *) log "no node '$1' (a, b or c)"; exit 2 ;; esac; }
node() { echo "donations-$1@localhost"; }
ctl() { rabbitmqctl -q -n "$(node "$1")" "${@:2}"; }

wait_for() { # seconds, command...
  local seconds=$1; shift
  for _ in $(seq 1 "$seconds"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  return 1
}

start() {
  local n=$1 i; i=$(index "$n")
  ctl "$n" status >/dev/null 2>&1 && return 0
  mkdir -p "$BASE/$n"
  chown -R rabbitmq:rabbitmq "$BASE"
  RABBITMQ_NODENAME=$(node "$n") RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$((5681 + i)) \
    RABBITMQ_DIST_PORT=$((25681 + i)) RABBITMQ_MNESIA_BASE="$BASE/$n/mnesia" RABBITMQ_LOG_BASE="$BASE/$n/log" \
    RABBITMQ_PID_FILE="$BASE/$n/pid" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-rabbitmq_management tcp_config [{port,$((15681 + i))}] -rabbitmq_prometheus tcp_config [{port,$((15701 + i))}]" \
    nohup rabbitmq-server >"$BASE/$n/out.log" 2>&1 &
  wait_for 90 ctl "$n" await_startup || { log "node $n did not start; see $BASE/$n"; exit 1; }
}

case ${1:-up} in
  up)
    command -v rabbitmq-server >/dev/null || bash "$(dirname "$0")/up.sh"
    for n in a b c; do start "$n"; done
    for n in b c; do
      if ! ctl "$n" cluster_status --formatter json | grep -q "$(node a)"; then
        { ctl "$n" stop_app && ctl "$n" reset && ctl "$n" join_cluster "$(node a)" && ctl "$n" start_app; } >/dev/null 2>&1
      fi
    done
    wait_for 60 curl -fsS -u guest:guest http://127.0.0.1:15683/api/overview || { log "management did not answer"; exit 1; }
    log "up: $(ctl a cluster_status --formatter json | grep -o '"running_nodes":\[[^]]*\]')"
    ;;
  kill) index "$2" >/dev/null && kill -9 "$(cat "$BASE/$2/pid")" ;;
  start) start "$2" ;;
  down)
    for n in a b c; do ctl "$n" stop >/dev/null 2>&1 || true; done
    rm -rf "$BASE"
    ;;
  *) log "usage: $0 up | kill NODE | start NODE | down"; exit 2 ;;
esac
