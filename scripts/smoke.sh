#!/usr/bin/env bash
# Starts the compiled server the way `npm start` does (embedded PostgreSQL, empty data folder, a
# free port), sends a query, signs in, stops it with Ctrl-C and checks that it stopped cleanly.
set -u
cd "$(dirname "$0")/.."
data=$(mktemp -d); chmod 755 "$data"
log=$(mktemp)
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
fail() { echo "smoke: FAIL: $*"; tail -n 30 "$log"; kill -KILL -- "-$pid" 2>/dev/null; rm -rf "$data"; exit 1; }

PORT=$port DATA_DIR=$data setsid npm start >"$log" 2>&1 &
pid=$!
t=0
until curl -sf -o /dev/null -H 'content-type: application/json' -d '{"query":"{__typename}"}' "http://127.0.0.1:$port/graphql"; do
  sleep 1; t=$((t + 1))
  [ $t -ge 120 ] && fail "nothing answers on /graphql after ${t}s"
  kill -0 "$pid" 2>/dev/null || fail "the server exited"
done
echo "smoke: ready after ${t}s"
out=$(curl -s -c "$data/jar" -H 'content-type: application/json' -H "origin: http://127.0.0.1:$port" \
  -d '{"query":"mutation{login(login:\"sysadmin\",password:\"demo\"){roles}}"}' "http://127.0.0.1:$port/graphql")
echo "$out" | grep -q '"SYSADMIN"' || fail "sysadmin cannot sign in: $out"
out=$(curl -s -b "$data/jar" -H 'content-type: application/json' -d '{"query":"{classGroups{name}}"}' "http://127.0.0.1:$port/graphql")
echo "$out" | grep -q '"9А"' || fail "no classes: $out"
page=$(curl -s "http://127.0.0.1:$port/admin/classes")
echo "$page" | grep -qi '<html' || fail "the client is not served at a deep link"
kill -INT -- "-$pid"
t=0
while kill -0 "$pid" 2>/dev/null; do
  sleep 1; t=$((t + 1))
  [ $t -ge 20 ] && fail "still running 20 s after Ctrl-C"
done
grep -q '"msg":"stopped"' "$log" || fail "no clean shutdown in the log"
rm -rf "$data" "$log"
echo "smoke: ok (stopped in ${t}s)"
