#!/usr/bin/env bash
# keeld's checker child against a real nginx in a namespace of its own: a TCP_CHECK, an
# HTTP_GET (with the page's MD5 as digest) and an SSL_GET (SNI) real server are up while nginx serves, are
# removed ("Removing service ...") within the retry bounds once it stops, and come back
# ("Adding service ...") when it restarts. No forwarding engine is programmed (none here).
#   usage: check_real_servers_test.sh KEELD
set -uo pipefail
keeld=$(realpath "$1")
here=$(dirname "$0")
source "$here/lib/topology.sh"

if [[ $(id -u) -ne 0 ]]; then echo "SKIP: needs root for network namespaces"; exit 77; fi
if ! command -v nginx >/dev/null; then echo "SKIP: nginx is not installed"; exit 77; fi

NGINX_PID=""
stop_nginx() {
  [[ -n $NGINX_PID ]] || return 0
  kill -TERM "$NGINX_PID" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$NGINX_PID" 2>/dev/null
  wait "$NGINX_PID" 2>/dev/null
  NGINX_PID=""
}
cleanup() { stop_nginx; topo_cleanup; }
trap cleanup EXIT
trap 'exit 130' INT TERM

failures=0
check() {  # check DESCRIPTION CMD...
  local description=$1
  shift
  if "$@"; then echo "ok: $description"; else echo "FAIL: $description"; failures=$((failures + 1)); fi
}

topo_init kcr
topo_host lb 198.18.0.1/24
topo_host rs 198.18.0.11/24
LB=$(topo_ns lb) RS=$(topo_ns rs)

# nginx: one process (master_process off), everything under the test's directory.
mkdir -p "$TOPO_TMP/www" "$TOPO_TMP/nginx"
echo "keel checker test page $$" >"$TOPO_TMP/www/index.html"
DIGEST=$(md5sum <"$TOPO_TMP/www/index.html" | cut -d' ' -f1)
# HTTPS for SSL_GET: a self-signed certificate made now.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=www.keel.test" \
  -keyout "$TOPO_TMP/nginx/key.pem" -out "$TOPO_TMP/nginx/cert.pem" >/dev/null 2>&1 ||
  { echo "FAIL: openssl could not make a certificate"; exit 1; }
cat >"$TOPO_TMP/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $TOPO_TMP/nginx/nginx.pid;
error_log $TOPO_TMP/nginx/error.log;
events { worker_connections 64; }
http {
    access_log off;
    default_type text/html;
    client_body_temp_path $TOPO_TMP/nginx/body;
    proxy_temp_path $TOPO_TMP/nginx/proxy;
    fastcgi_temp_path $TOPO_TMP/nginx/fastcgi;
    uwsgi_temp_path $TOPO_TMP/nginx/uwsgi;
    scgi_temp_path $TOPO_TMP/nginx/scgi;
    server {
        listen 198.18.0.11:80;
        listen 198.18.0.11:8080;
        listen 198.18.0.11:443 ssl;
        ssl_certificate $TOPO_TMP/nginx/cert.pem;
        ssl_certificate_key $TOPO_TMP/nginx/key.pem;
        root $TOPO_TMP/www;
    }
}
CONF
start_nginx() {
  ip netns exec "$RS" nginx -c "$TOPO_TMP/nginx.conf" >>"$TOPO_TMP/nginx/stderr.log" 2>&1 &
  NGINX_PID=$!
}
serving() { ip netns exec "$LB" curl -sf -o /dev/null --max-time 1 http://198.18.0.11/; }

# Checks every second; a dead server goes after retry 2 (delay_before_retry 1,
# connect_timeout 1): at most delay_loop + retry * (delay_before_retry + connect_timeout)
# = 5 s after it stops, plus the check that was in flight.
REMOVAL_BOUND=8
cat >"$TOPO_TMP/keeld.conf" <<CONF
global_defs {
    router_id kcr
    lb_engine none
}
virtual_server 198.18.0.100 80 {
    delay_loop 1
    lb_algo rr
    lvs_method NAT
    protocol TCP
    real_server 198.18.0.11 80 {
        weight 1
        HTTP_GET {
            url {
                path /index.html
                digest $DIGEST
                status_code 200
            }
            connect_timeout 1
            retry 2
            delay_before_retry 1
            warmup 0
            alpha
        }
    }
    real_server 198.18.0.11 443 {
        weight 1
        SSL_GET {
            url {
                path /
                status_code 200-299
            }
            virtualhost www.keel.test
            enable_sni
            connect_timeout 1
            retry 2
            delay_before_retry 1
            warmup 0
        }
    }
    real_server 198.18.0.11 8080 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
            retry 2
            delay_before_retry 1
            warmup 0
        }
    }
}
CONF
chmod 644 "$TOPO_TMP/keeld.conf"

LOG="$TOPO_TMP/keeld.log"
HTTP_RS="[198.18.0.11]:tcp:80" SSL_RS="[198.18.0.11]:tcp:443" TCP_RS="[198.18.0.11]:tcp:8080" VS="[198.18.0.100]:tcp:80"
count() { local n; n=$(grep -cF -- "$1" "$LOG" 2>/dev/null); echo "${n:-0}"; }
at_least() { (($(count "$1") >= $2)); }
none_of() { (($(count "$1") == 0)); }

start_nginx
check "nginx serves the page" topo_wait 5 serving

topo_spawn "$keeld" -n -l -G -C -f "$TOPO_TMP/keeld.conf" --namespace "$LB" \
  -p "$TOPO_TMP/keeld.pid" -r "$TOPO_TMP/vrrp.pid" -c "$TOPO_TMP/checkers.pid" >>"$LOG" 2>&1

check "the checker child runs the three checkers" topo_wait 5 at_least "1 virtual server(s), 3 checker(s) running" 1
check "HTTP_GET (alpha) brings $HTTP_RS in: Adding service" \
  topo_wait 5 at_least "Adding service $HTTP_RS to VS $VS" 1
sleep 3
check "every real server stays in while nginx serves (TLS handshake with SNI included)" none_of "Removing service"

echo "-- stop nginx"
stopped_at=$SECONDS
stop_nginx
check "HTTP_GET removes $HTTP_RS within ${REMOVAL_BOUND}s" \
  topo_wait "$REMOVAL_BOUND" at_least "Removing service $HTTP_RS from VS $VS" 1
check "TCP_CHECK removes $TCP_RS within ${REMOVAL_BOUND}s" \
  topo_wait "$REMOVAL_BOUND" at_least "Removing service $TCP_RS from VS $VS" 1
check "SSL_GET removes $SSL_RS within ${REMOVAL_BOUND}s" \
  topo_wait "$REMOVAL_BOUND" at_least "Removing service $SSL_RS from VS $VS" 1
echo "   removed after $((SECONDS - stopped_at)) s"
check "the reason is in the line (connection refused)" at_least "from VS $VS (connection failed: Connection refused)" 3
check "retries came first: failed after 2 retries" at_least "Check on service $TCP_RS failed after 2 retries." 1

echo "-- restart nginx"
start_nginx
check "nginx serves again" topo_wait 5 serving
check "HTTP_GET adds $HTTP_RS back" topo_wait 5 at_least "Adding service $HTTP_RS to VS $VS" 2
check "SSL_GET adds $SSL_RS back" topo_wait 5 at_least "Adding service $SSL_RS to VS $VS" 1
check "TCP_CHECK adds $TCP_RS back" topo_wait 5 at_least "Adding service $TCP_RS to VS $VS" 1

echo "-- change the page: the digest no longer matches"
echo "changed" >"$TOPO_TMP/www/index.html"
check "HTTP_GET removes $HTTP_RS for the digest" topo_wait "$REMOVAL_BOUND" at_least "digest mismatch" 1
check "the TCP_CHECK server stays" none_of "Removing service $TCP_RS from VS $VS (digest"

if ((failures > 0)); then
  echo "--- keeld log"
  cat "$LOG"
  echo "FAILED: $failures check(s)"
  exit 1
fi
echo "PASS"
