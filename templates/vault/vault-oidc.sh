#!/bin/sh
# Vault OIDC auth method with Okta, rendered by oidc-setup (render-config --target vault).
# Needs VAULT_ADDR, a VAULT_TOKEN allowed to manage auth methods, and the app's client secret in OKTA_CLIENT_SECRET
# (this file never holds it). Safe to run again: it enables the method only once and rewrites config and role.
set -eu
: "${OKTA_CLIENT_SECRET:?set OKTA_CLIENT_SECRET to the Okta app client secret}"
