#!/bin/sh
# The image's entry point: values that deploy/docker/first-run.sh generated on the first start (the
# secret key, in the shared state volume) fill whatever the environment leaves unset, then the command
# runs (gunicorn, `flask --app wsgi worker`, ...). Set SECRET_KEY yourself and this does nothing.
set -eu
generated="${DONGHANH_STATE:-/var/lib/donghanh}/generated.env"
if [ -r "$generated" ]; then
  while IFS='=' read -r name value; do
    case "$name" in ''|'#'*) continue ;; esac
    if [ -z "$(printenv "$name" || true)" ]; then export "$name=$value"; fi
  done < "$generated"
fi
exec "$@"
