#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Browser tests: needs build/tsunagu (or TSUNAGU_BIN), web/dist (npm run build in web/) and
# web/node_modules (npm ci in web/) for playwright-core; Chromium from /usr/bin/chromium.
set -eu
cd "$(dirname "$0")/../.."
exec node --test tests/e2e/
