{{/* The Sentinel mode's ConfigMap data: the Redis configuration and the scripts. */}}
{{- define "hiqty.redis.sentinelFiles" -}}
redis.conf: |
  {{- include "hiqty.redis.conf" . | nindent 2 }}
# Sourced by both start scripts. The primary is what a reachable Sentinel says; when none answers (the first
# start, or every Sentinel down at once) pod 0 is. redis-cli prints errors on stdout, so only an answer that
# names one of our pods counts.
find-primary.sh: |
  SELF="${POD_NAME}.${HEADLESS_DOMAIN}"
  find_primary() {
    i=0
    while [ "$i" -lt "$REPLICAS" ]; do
      host="${STATEFULSET}-${i}.${HEADLESS_DOMAIN}"
      if [ "$host" != "$SELF" ] || [ "${ASK_OWN_SENTINEL:-no}" = yes ]; then
        answer="$(timeout 3 redis-cli --no-auth-warning -a "$REDIS_PASSWORD" -h "$host" -p 26379 SENTINEL get-master-addr-by-name "$SENTINEL_NAME" 2>/dev/null | head -n 1 || true)"
        case "$answer" in
          "${STATEFULSET}"-*".${HEADLESS_DOMAIN}") echo "$answer"; return 0 ;;
        esac
      fi
      i=$((i + 1))
    done
    echo "${STATEFULSET}-0.${HEADLESS_DOMAIN}"
  }
  # A pod's name resolves once it has an address (the headless Service publishes pods before they are ready).
  wait_for_name() {
    tries=0
    until nslookup "$1" >/dev/null 2>&1; do
      tries=$((tries + 1))
      if [ "$tries" -ge 60 ]; then echo "$1 does not resolve" >&2; return 1; fi
      sleep 1
    done
  }
# Redis: a replica of the current primary, or the primary itself. It announces its name, not its address.
# CONFIG_DIR and RUN_DIR are there for the chart's tests, which run these scripts outside a pod.
start-redis.sh: |
  set -eu
  . "${CONFIG_DIR:-/etc/redis}/find-primary.sh"
  # The Sentinel next to this Redis survives a Redis restart and knows the latest primary.
  ASK_OWN_SENTINEL=yes
  primary="$(find_primary)"
  conf="${RUN_DIR:-/run/redis}/redis.conf"
  {
    cat "${CONFIG_DIR:-/etc/redis}/redis.conf"
    printf 'requirepass "%s"\nmasterauth "%s"\n' "$REDIS_PASSWORD" "$REDIS_PASSWORD"
    printf 'replica-announce-ip %s\n' "$SELF"
    if [ "$primary" != "$SELF" ]; then
      wait_for_name "$primary"
      printf 'replicaof %s 6379\n' "$primary"
    fi
  } > "$conf"
  echo "Redis $SELF starts; the primary is $primary"
  exec redis-server "$conf"
# Sentinel: rewrites its own file, so it gets a fresh copy in an emptyDir at each start.
start-sentinel.sh: |
  set -eu
  . "${CONFIG_DIR:-/etc/redis}/find-primary.sh"
  primary="$(find_primary)"
  wait_for_name "$SELF"
  wait_for_name "$primary"
  conf="${RUN_DIR:-/run/sentinel}/sentinel.conf"
  cat > "$conf" <<EOF
  port 26379
  requirepass "$REDIS_PASSWORD"
  sentinel resolve-hostnames yes
  sentinel announce-hostnames yes
  sentinel announce-ip $SELF
  sentinel announce-port 26379
  sentinel monitor $SENTINEL_NAME $primary 6379 $QUORUM
  sentinel auth-pass $SENTINEL_NAME "$REDIS_PASSWORD"
  sentinel down-after-milliseconds $SENTINEL_NAME $DOWN_AFTER_MS
  sentinel failover-timeout $SENTINEL_NAME $FAILOVER_TIMEOUT_MS
  sentinel parallel-syncs $SENTINEL_NAME 1
  EOF
  echo "Sentinel $SELF starts; the primary is $primary"
  exec redis-server "$conf" --sentinel
# Before the primary's pod stops (a rollout, a drain): hand the primary role over first, so hiqty follows a
# planned switch instead of waiting out down-after-milliseconds. The Sentinel of this pod is stopping too, so the
# other pods' Sentinels are asked, until one starts the failover.
pre-stop.sh: |
  . "${CONFIG_DIR:-/etc/redis}/find-primary.sh"
  cli() { timeout 3 redis-cli --no-auth-warning -a "$REDIS_PASSWORD" "$@" 2>/dev/null; }
  # LOCAL_ADDRESS: the tests' pods share one network namespace, each on its own loopback address.
  local_redis() { cli -h "${LOCAL_ADDRESS:-127.0.0.1}" -p 6379 "$@"; }
  role() { local_redis ROLE | head -n 1; }
  [ "$(role)" = master ] || exit 0
  [ "$(local_redis INFO replication | grep -c '^slave[0-9]*:.*state=online')" -gt 0 ] || exit 0
  asked=""
  i=0
  while [ "$i" -lt "$REPLICAS" ]; do
    host="${STATEFULSET}-${i}.${HEADLESS_DOMAIN}"
    if [ "$host" != "$SELF" ] && [ "$(cli -h "$host" -p 26379 SENTINEL failover "$SENTINEL_NAME")" = OK ]; then
      asked="$host"
      break
    fi
    i=$((i + 1))
  done
  [ -n "$asked" ] || { echo "no Sentinel took the failover: the primary stops as it is"; exit 0; }
  # Once the Sentinels name the new primary, follow it at once: Sentinel itself would turn this old primary into
  # a replica only some seconds later, and until then it would take writes that no one reads again.
  tries=0
  while [ "$tries" -lt 20 ]; do
    primary="$(cli -h "$asked" -p 26379 SENTINEL get-master-addr-by-name "$SENTINEL_NAME" | head -n 1)"
    case "$primary" in
      "$SELF") ;;
      "${STATEFULSET}"-*".${HEADLESS_DOMAIN}")
        local_redis REPLICAOF "$primary" 6379 >/dev/null
        echo "handed the primary role to $primary"
        exit 0 ;;
    esac
    tries=$((tries + 1))
    sleep 1
  done
  echo "the Sentinels named no new primary within 20 s"
  exit 0
{{- end }}
