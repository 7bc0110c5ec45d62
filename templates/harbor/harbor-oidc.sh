#!/bin/sh
# Sends harbor-oidc.json (written by oidc-setup) to Harbor's configurations API.
# Needs: HARBOR_URL (e.g. https://harbor.example.com), HARBOR_ADMIN_USER, HARBOR_ADMIN_PASSWORD (from the environment,
# never on the command line). Harbor answers 200 when the settings are stored.
set -eu
: "${HARBOR_URL:?set HARBOR_URL to Harbor's URL}"
: "${HARBOR_ADMIN_USER:?set HARBOR_ADMIN_USER to a Harbor administrator}"
: "${HARBOR_ADMIN_PASSWORD:?set HARBOR_ADMIN_PASSWORD (read from the environment, not argv)}"
here=$(dirname "$0")
# curl config syntax: inside "…" a backslash and a double quote are escaped with a backslash.
quote() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }
# The credentials go to curl through a config file on stdin, so they never appear in the process list.
printf 'user = "%s:%s"\n' "$(quote "$HARBOR_ADMIN_USER")" "$(quote "$HARBOR_ADMIN_PASSWORD")" | curl --fail-with-body --silent --show-error \
  --config - \
  -X PUT -H 'Content-Type: application/json' \
  --data-binary @"$here/harbor-oidc.json" \
  "${HARBOR_URL%/}/api/v2.0/configurations"
echo "Harbor: OIDC settings stored"
