#!/usr/bin/env bash
# CI for the web front end (called by the coordinator's CI). Steps: install pinned deps, check the generated
# API client is fresh, type-check, component tests, production build, and, when $LEARN_API_URL names a
# running API with a loaded catalog, `next start` on $LEARN_WEB_PORT (8062) + the Chromium E2E suite.
# Screenshots land in frontend/e2e/screenshots/.
set -euo pipefail
cd "$(dirname "$0")"
export NEXT_TELEMETRY_DISABLED=1
PORT="${LEARN_WEB_PORT:-8062}"

echo "== npm ci"; npm ci --no-audit --no-fund --loglevel=error
echo "== generated API client is fresh"; npm run --silent check:api
echo "== type-check"; rm -rf .next; npm run --silent typecheck
echo "== component tests"; npm test --silent
if [ -n "${LEARN_API_URL:-}" ]; then export LEARN_API_ORIGIN="${LEARN_API_URL%/}"; fi
echo "== build (API origin ${LEARN_API_ORIGIN:-default})"; npm run --silent build

if [ -z "${LEARN_API_URL:-}" ]; then
  echo "LEARN_API_URL is not set: skipping the E2E suite"
  exit 0
fi
if ! command -v chromium >/dev/null 2>&1 && [ -z "${CHROMIUM_PATH:-}" ]; then
  echo "== installing Debian's chromium"; apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

echo "== next start on :$PORT"
node node_modules/next/dist/bin/next start -p "$PORT" -H 127.0.0.1 > e2e/next-start.log 2>&1 &
NEXT_PID=$!
trap 'kill "$NEXT_PID" 2>/dev/null || true; wait "$NEXT_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/robots.txt"; then break; fi
  if ! kill -0 "$NEXT_PID" 2>/dev/null; then cat e2e/next-start.log; exit 1; fi
  sleep 0.5
done
echo "== E2E (Chromium)"
rm -rf e2e/screenshots
status=0
LEARN_WEB_URL="http://127.0.0.1:$PORT" node --test --test-concurrency=1 e2e/ || status=$?
echo "Screenshots ($(find e2e/screenshots -name '*.png' 2>/dev/null | wc -l) at 1280 and 360 px): $(pwd)/e2e/screenshots/"
ls e2e/screenshots/ 2>/dev/null | tr '\n' ' '; echo
if [ "$status" -ne 0 ]; then echo "== E2E failed; next start log:"; tail -n 50 e2e/next-start.log; fi
exit "$status"
