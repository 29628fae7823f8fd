#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running gebi on the demo community:
# installs what is missing, builds Release, creates and migrates var/gebi.db, seeds the demo
# data, and serves on 127.0.0.1:8080 with deploy/gebi.example.toml. No WeChat account needed.
set -euo pipefail
cd "$(dirname "$0")/.."
GEBI_WITH_BROWSER=0 deploy/install-deps.sh
dir=$(deploy/build.sh Release -DGEBI_BUILD_TESTS=OFF)
config="${GEBI_CONFIG:-deploy/gebi.example.toml}"
mkdir -p var
"$dir/gebi" migrate --config "$config"
demo_report=$("$dir/gebi" demo --config "$config")
echo "$demo_report"
# `gebi demo` gives the demo admin a fresh one-time password on every run (only its hash is kept).
admin_login=$(sed -n 's/^admin login: \(\S*\) \/ \(\S*\).*/user \1  password \2/p' <<<"$demo_report")
cat <<MSG

  Admin console (keyword rules, reply texts, join requests, tickets, numbers):
      http://127.0.0.1:8080/admin/      log in with: $admin_login
      (make more accounts: $dir/gebi admin add --config $config NAME --role community --unit ID)

  Webhook URL (configure it in the MP console behind nginx): http://127.0.0.1:8080/wechat
  Health:     curl http://127.0.0.1:8080/healthz
  Talk to it from another terminal, as WeChat would:
      $dir/gebi chat --config $config --openid o_demo_resident 帮助
      $dir/gebi chat --config $config --openid o_demo_resident --safe 帮助
      $dir/gebi chat --config $config --openid o_demo_resident        (interactive)
      $dir/gebi chat --config $config --openid o_demo_worker1 --inbox (notices received)
  Stop with Ctrl-C.

MSG
exec "$dir/gebi" serve --demo --config "$config"
