#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The shared DICOM harness's TARGET_START_CMD for tsunagu (bench/dicom.sh sets it): in the fresh
# empty $BENCH_DATA_DIR, create the store, one hospital with an administrator, and the harness's
# calling AE title (its storescu sends as $DICOM_BENCH_SCU_AET) for that hospital; then run
# `tsunagu serve` in the foreground with the C-STORE SCP on $BENCH_DICOM_PORT.
#
#   dicom_target.sh serve   (the start command)   dicom_target.sh token   (TARGET_AUTH_CMD)
set -euo pipefail
bin=${DICOM_BENCH_BIN:?path of the tsunagu binary}
data=${BENCH_DATA_DIR:?the harness gives the data directory}
org=bench-gh
admin=bench.admin
case "${1:-serve}" in
  serve)
    "$bin" init --data-dir "$data" >/dev/null
    "$bin" org add --data-dir "$data" --code "$org" --name "ベンチ総合病院" \
      --type acute_hospital >/dev/null
    printf '%s\n' "bench-only-Passw0rd-$RANDOM$RANDOM" |
      "$bin" user add --data-dir "$data" --login "$admin" --name "ベンチ 管理者" \
        --profession clerk --org "$org" --role org_admin >/dev/null
    "$bin" imaging ae add --data-dir "$data" --org "$org" \
      --aet "${DICOM_BENCH_SCU_AET:-BENCHSCU}" --description "the harness's storescu" >/dev/null
    exec "$bin" serve --data-dir "$data" --listen "127.0.0.1:$BENCH_HTTP_PORT" \
      --dicom-port "$BENCH_DICOM_PORT" --static-dir "$data/no-ui" --log-level warn
    ;;
  token)
    # the last line the harness reads becomes its Authorization header
    echo "Bearer $("$bin" token create --data-dir "$data" --org "$org" --user "$admin" \
      --name dicom-bench)"
    ;;
  *) echo "dicom_target.sh: serve or token" >&2; exit 2 ;;
esac
