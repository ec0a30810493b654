#!/usr/bin/env bash
# Builds Triagent and starts the daemon on its embedded defaults (config/triagent.yaml): SQLite
# queue under ./var, shadow mode, 127.0.0.1:8080. Missing secrets are generated into ./var/secrets
# on first run and read from there afterwards; environment variables, when set, win.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release triagent

data_dir="${TRIAGENT_DATA_DIR:-./var}"
secrets="$data_dir/secrets"
(umask 077; mkdir -p "$secrets")  # the data directory holds alert data: its user's alone
chmod 700 "$secrets"
for name in webhook_token webhook_hmac_secret admin_token; do
  if [ ! -s "$secrets/$name" ]; then
    (umask 077; openssl rand -hex 32 > "$secrets/$name")
    echo "run: generated $secrets/$name" >&2
  fi
done
export TRIAGENT_WEBHOOK_TOKEN="${TRIAGENT_WEBHOOK_TOKEN:-$(cat "$secrets/webhook_token")}"
export TRIAGENT_WEBHOOK_HMAC_SECRET="${TRIAGENT_WEBHOOK_HMAC_SECRET:-$(cat "$secrets/webhook_hmac_secret")}"
export TRIAGENT_ADMIN_TOKEN="${TRIAGENT_ADMIN_TOKEN:-$(cat "$secrets/admin_token")}"

listen="${TRIAGENT_LISTEN:-127.0.0.1:8080}"
cat >&2 <<MSG
run: secrets are in $secrets (webhook_token, webhook_hmac_secret, admin_token).
run: send a webhook:
  curl -H "Authorization: Bearer \$(cat $secrets/webhook_token)" -d '{"id":"demo-1","title":"test"}' http://$listen/v1/webhooks/generic
run: read a job:
  curl -H "Authorization: Bearer \$(cat $secrets/admin_token)" http://$listen/v1/jobs/1
MSG
config="${TRIAGENT_CONFIG:-config/triagent.yaml}"
exec build/release/triagent serve --config "$config" "$@"
