#!/usr/bin/env bash
# The one install script: `make setup` runs it on a developer's machine and in CI, the Dockerfile in the image.
#
#   scripts/install.sh [--dev | --runtime] [--venv DIR] [--step python|npm|vendor|translations]...
#
#   --dev       (default) requirements-dev.lock and the front-end dev packages: tests, lint, audit, browser journeys
#   --runtime   requirements.lock and the front-end packages the portal serves: what the image needs
#   --venv DIR  the virtualenv to create or update (default: .venv, or $VENV)
#   --step S    run only that step (repeatable); without it, every step in order
#
# Python packages come only from the lock, with `pip install --require-hashes`: a package whose file does not
# match a locked hash, or that is missing from the lock, stops the install. Run it from anywhere: it works in
# the repository root. It needs python3 (PYTHON to choose another), npm and network access to the registries.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=dev
venv="${VENV:-.venv}"
python="${PYTHON:-python3}"
steps=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dev) mode=dev ;;
    --runtime) mode=runtime ;;
    --venv) venv="$2"; shift ;;
    --step) steps+=("$2"); shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#steps[@]} -gt 0 ] || steps=(python npm vendor translations)

if [ "$mode" = runtime ]; then lock=requirements.lock; npm_omit=(--omit=dev); else lock=requirements-dev.lock; npm_omit=(); fi

say() { echo "== install.sh ($mode): $*"; }

# Python packages: pip and setuptools first (they are locked too), then the whole lock with them.
step_python() {
  say "Python packages from $lock into $venv"
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  local pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes)
  local bootstrap
  bootstrap="$(mktemp)"
  # A lock entry is its "name==version \" line and the indented --hash lines after it.
  awk '/^[A-Za-z0-9]/ { keep = ($0 ~ /^(pip|setuptools)==/) } keep && !/^ *#/' "$lock" > "$bootstrap"
  "${pip[@]}" --no-deps -r "$bootstrap"
  rm -f "$bootstrap"
  # No build isolation: the few packages published only as source (http-ece) build with the locked
  # setuptools instead of an unpinned one fetched for the build.
  "${pip[@]}" --no-build-isolation -r "$lock"
}

step_npm() {
  say "npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error "${npm_omit[@]}"
}

# Copy the front-end packages we serve into static/vendor (never committed, never from a CDN).
step_vendor() {
  say "front-end assets into static/vendor"
  local fonts=node_modules/@expo-google-fonts/be-vietnam-pro w
  rm -rf static/vendor
  mkdir -p static/vendor/htmx static/vendor/be-vietnam-pro/files static/vendor/fonts
  cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
  for w in 400 500 600 700; do cp "node_modules/@fontsource/be-vietnam-pro/$w.css" static/vendor/be-vietnam-pro/; done
  cp node_modules/@fontsource/be-vietnam-pro/files/be-vietnam-pro-{vietnamese,latin,latin-ext}-{400,500,600,700}-normal.woff2 \
    static/vendor/be-vietnam-pro/files/
  # TrueType outlines for the certificate PDFs (reportlab embeds TTF, not woff2).
  cp "$fonts"/{400Regular/BeVietnamPro_400Regular,400Regular_Italic/BeVietnamPro_400Regular_Italic,600SemiBold/BeVietnamPro_600SemiBold,700Bold/BeVietnamPro_700Bold}.ttf \
    static/vendor/fonts/
  # The JSON-LD contexts of the Open Badges credentials, from what their npm packages export, with an index.
  node scripts/export-jsonld-contexts.mjs static/vendor/jsonld
}

step_translations() {
  say "compiled translations"
  "$venv/bin/pybabel" -q compile -d portal/translations
}

for s in "${steps[@]}"; do
  case "$s" in
    python|npm|vendor|translations) "step_$s" ;;
    *) echo "install.sh: unknown step $s (python, npm, vendor, translations)" >&2; exit 2 ;;
  esac
done
