#!/usr/bin/env bash
# Refresh the vendored front-end assets from the npm registry (make vendor).
# GOV.UK Frontend is compiled from its Sass with system fonts (the GDS Transport typeface is
# licensed for GOV.UK services only) and asset paths under /static/govuk/; Swagger UI and ReDoc
# serve /docs and /redoc offline; axe-core is used by the browser tests only.
set -euo pipefail

GOVUK=6.6.0
SWAGGER=5.35.0
REDOC=2.5.4
AXE=4.14.1
SASS=1.108.2

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATIC="$ROOT/api/web/static"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --silent \
    "govuk-frontend@$GOVUK" "swagger-ui-dist@$SWAGGER" "redoc@$REDOC" "axe-core@$AXE" "sass@$SASS"
M="$WORK/node_modules"

cat > govuk.scss <<'SCSS'
@use "node_modules/govuk-frontend/dist/govuk" with (
  $govuk-font-family: (arial, sans-serif),
  $govuk-assets-path: "/static/govuk/assets/"
);
SCSS
rm -rf "$STATIC/govuk" "$STATIC/swagger-ui" "$STATIC/redoc"
mkdir -p "$STATIC/govuk/assets/images" "$STATIC/swagger-ui" "$STATIC/redoc"
"$M/.bin/sass" --no-source-map --style=compressed --quiet govuk.scss "$STATIC/govuk/govuk-frontend.min.css"
cp "$M/govuk-frontend/dist/govuk/govuk-frontend.min.js" "$STATIC/govuk/"
cp "$M/govuk-frontend/dist/govuk/assets/images/favicon.ico" \
   "$M/govuk-frontend/dist/govuk/assets/images/favicon.svg" "$STATIC/govuk/assets/images/"
printf "govuk-frontend %s: MIT licence (the npm package states it in package.json; it ships no licence file).\nCopyright (c) Crown Copyright (Government Digital Service). Images: Crown copyright, Open Government Licence v3.0.\n" "$GOVUK" > "$STATIC/govuk/LICENSE.txt"
cp "$M/swagger-ui-dist/swagger-ui-bundle.js" "$M/swagger-ui-dist/swagger-ui.css" \
   "$M/swagger-ui-dist/LICENSE" "$STATIC/swagger-ui/"
cp "$M/redoc/bundles/redoc.standalone.js" "$M/redoc/LICENSE" "$STATIC/redoc/"
mkdir -p "$ROOT/tests/browser/vendor"
cp "$M/axe-core/axe.min.js" "$ROOT/tests/browser/vendor/axe.min.js"
cp "$M/axe-core/LICENSE" "$ROOT/tests/browser/vendor/axe-core.LICENSE"

cat > "$STATIC/VENDORED.md" <<MD
# Vendored front-end assets

Refreshed by \`make vendor\` (scripts/vendor.sh) from the npm registry; served from this
folder so that no page loads anything from another host.

| package | version | licence | files |
|---|---|---|---|
| govuk-frontend | $GOVUK | MIT (code); images Crown copyright, OGL | govuk/ (CSS compiled from its Sass with system fonts: the GDS Transport typeface is for GOV.UK services only) |
| swagger-ui-dist | $SWAGGER | Apache-2.0 | swagger-ui/ (the interactive API page, /docs) |
| redoc | $REDOC | MIT | redoc/ (the API reference, /redoc) |
| axe-core | $AXE | MPL-2.0 | tests/browser/vendor/ (accessibility checks in the browser tests only) |
MD
echo "vendored: govuk-frontend $GOVUK, swagger-ui-dist $SWAGGER, redoc $REDOC, axe-core $AXE"
