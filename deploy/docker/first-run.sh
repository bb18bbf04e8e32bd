#!/bin/sh
# compose.yaml's one-shot `migrate` service, before any web server or worker starts:
# 1. on the very first start, generate what a newcomer has not set (a secret key, the certificate signing
#    key) into the state volume, readable by the app's user only;
# 2. migrate the database (flask db upgrade), every start: an upgraded image brings its migrations;
# 3. with SEED_DEMO=1, load the demo data once (seed-demo refuses PORTAL_ENV=production, so it runs
#    with PORTAL_ENV=development for that one command; never set SEED_DEMO on a real deployment);
# 4. copy static/ to the volume nginx serves /static from.
set -eu
state="${DONGHANH_STATE:-/var/lib/donghanh}"
umask 077
if [ ! -f "$state/generated.env" ]; then
  echo "first run: generating a secret key into $state/generated.env"
  python -c 'import secrets; print("SECRET_KEY=" + secrets.token_urlsafe(48))' > "$state/generated.env"
fi
key="${CERT_SIGNING_KEY_FILE:-$state/cert-signing.pem}"
if [ ! -f "$key" ]; then
  echo "first run: generating the certificate signing key $key (back it up: see the README's runbook)"
  python - "$key" <<'PY'
import sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

pem = Ed25519PrivateKey.generate().private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
with open(sys.argv[1], "wb") as handle:
    handle.write(pem)
PY
  chmod 600 "$key"
fi
# What was generated fills what the environment leaves unset (as the image's entrypoint does).
while IFS='=' read -r name value; do
  case "$name" in ''|'#'*) continue ;; esac
  if [ -z "$(printenv "$name" || true)" ]; then export "$name=$value"; fi
done < "$state/generated.env"

flask --app wsgi db upgrade
if [ "${SEED_DEMO:-0}" = "1" ] && [ ! -f "$state/.seeded" ]; then
  PORTAL_ENV=development flask --app wsgi seed-demo && touch "$state/.seeded"
fi
if [ -d /srv/static ]; then
  cp -R /app/static/. /srv/static/
fi
echo "migrate: done"
