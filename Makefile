# SPDX-License-Identifier: Apache-2.0
# Thin wrapper: the build is Meson/Ninja, the UI is npm + Vite.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
DATA       ?= data
LISTEN     ?= 127.0.0.1:8080
# make run DICOM_PORT=11112 also starts the C-STORE SCP (the demo's AE titles: MINAMI-GH, MINAMI-UH)
DICOM_PORT ?=
# How each build is configured. The run build needs only `scripts/deps.sh build`
# (scripts/check_run_deps.sh proves it in `make test`); the test build adds the test-only parts.
RUN_SETUP  := --buildtype=release -Dtests=disabled
TEST_SETUP := -Db_sanitize=address,undefined -Dwerror=true -Dbuildtype=debug -Dtests=enabled \
              -Dtest_clock=true
QUIETLY    := scripts/quietly.sh
# make test TEST_SEED=N replays one shuffled order of the API suite (a random one by default);
# TEST_CLOCK_SHIFT_DAYS=N runs the API suite's servers N days ahead.
export TEST_SEED TEST_CLOCK_SHIFT_DAYS

.PHONY: bench-floor bench-viewer bench-fhir bench-sharing bench-directory bench-alerts bench-dicom bench-dicom-scale bench-coview run build-run test bench fuzz clean web deps-build

run: deps-build web build-run
	@[ -d $(DATA) ] || $(QUIETLY) "creating the demo region in $(DATA)" \
		./$(BUILD)/tsunagu init --demo --data-dir $(DATA)
	@exec ./$(BUILD)/tsunagu serve --listen $(LISTEN) --data-dir $(DATA) --static-dir web/dist \
		--log-level warn $(if $(DICOM_PORT),--dicom-port $(DICOM_PORT))

build-run:
	@[ -f $(BUILD)/build.ninja ] || $(QUIETLY) "configuring $(BUILD)" meson setup $(BUILD) $(RUN_SETUP)
	@$(QUIETLY) "building $(BUILD)/tsunagu" ninja -C $(BUILD) tsunagu

deps-build:
	@scripts/deps.sh build

# npm ci again whenever package-lock.json is newer than the last install (npm writes
# node_modules/.package-lock.json), so new devDependencies reach existing checkouts.
web:
	@[ web/node_modules/.package-lock.json -nt web/package-lock.json ] || \
		$(QUIETLY) "installing the web packages (npm ci)" npm --prefix web ci --no-audit --no-fund
	@$(QUIETLY) "building the web UI (npm run build)" npm --prefix web run build

test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory web
	@$(QUIETLY) "type-checking the web UI (npm run typecheck)" npm --prefix web run typecheck
	@$(QUIETLY) "configuring $(ASAN_BUILD)" meson setup \
		$$([ -f $(ASAN_BUILD)/build.ninja ] && echo --reconfigure) $(ASAN_BUILD) $(TEST_SETUP)
	@ninja -C $(ASAN_BUILD)
	@scripts/test.sh $(ASAN_BUILD) "$(RUN_SETUP)"

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory web build-run
	@bench/api.sh $(BUILD)/tsunagu

# the floor of the API benchmark (issue 18): bare libmicrohttpd and libh2o-evloop servers
# answering the same bytes as nginx, alternately with it (prints a markdown table, about 1 minute)
bench-floor:
	@scripts/deps.sh bench
	@bench/floor.sh

bench-fhir:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory build-run
	@bench/fhir.sh $(BUILD)/tsunagu

# what the sharing rules add to a visit-record write (issue 17), 0 and 50 rules in force
bench-sharing:
	@$(MAKE) --no-print-directory build-run
	@bench/sharing.sh $(BUILD)/tsunagu

bench-directory:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory build-run
	@bench/directory.sh $(BUILD)/tsunagu

# issue 17: an alert to 1,000 event streams, and 10,000 idle event streams (about 2 minutes)
bench-alerts:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory build-run
	@bench/alerts.sh $(BUILD)/tsunagu

# the DICOM archive against Orthanc (the shared harness ../shared/bench/, about 4-7 minutes)
bench-dicom:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory build-run
	@bench/dicom.sh $(BUILD)/tsunagu

# QIDO-RS latency at 100,000 instances (tsunagu alone; prints a markdown table)
bench-dicom-scale:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory build-run
	@/usr/bin/python3 bench/dicom_scale.py $(BUILD)/tsunagu

# co-viewing (issue 15): a view change to 2 and to 20 viewers' streams, p95 < 100 ms (about 1 minute)
bench-coview:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory build-run
	@/usr/bin/python3 bench/coview.py $(BUILD)/tsunagu

# the image viewer (issue 15): the first image of a 100-slice CT in headless Chromium (about 30 s)
bench-viewer:
	@$(MAKE) --no-print-directory web build-run
	@bench/viewer.sh $(BUILD)/tsunagu

fuzz:
	@scripts/deps.sh fuzz
	@[ -f $(FUZZ_BUILD)/build.ninja ] || CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	@ninja -C $(FUZZ_BUILD)
	@scripts/fuzz.sh $(FUZZ_BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) web/dist
