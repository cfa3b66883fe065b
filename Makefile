# SPDX-License-Identifier: Apache-2.0
# Thin wrapper: the build is Meson/Ninja, the UI is npm + Vite.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
DATA       ?= data
LISTEN     ?= 127.0.0.1:8080

.PHONY: bench-fhir bench-directory run test bench fuzz clean web deps-build

run: deps-build web
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --buildtype=release >/dev/null
	@ninja -C $(BUILD) tsunagu >/dev/null
	@[ -d $(DATA) ] || ./$(BUILD)/tsunagu init --demo --data-dir $(DATA) >/dev/null
	@exec ./$(BUILD)/tsunagu serve --listen $(LISTEN) --data-dir $(DATA) --static-dir web/dist

deps-build:
	@scripts/deps.sh build

# npm ci again whenever package-lock.json is newer than the last install (npm writes
# node_modules/.package-lock.json), so new devDependencies reach existing checkouts.
web:
	@cd web && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build >/dev/null

test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory web
	@[ -f $(ASAN_BUILD)/build.ninja ] || meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Dwerror=true -Dbuildtype=debug >/dev/null
	@ninja -C $(ASAN_BUILD)
	@scripts/test.sh $(ASAN_BUILD)

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory web
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --buildtype=release >/dev/null
	@ninja -C $(BUILD) tsunagu >/dev/null
	@bench/api.sh $(BUILD)/tsunagu

bench-fhir:
	@scripts/deps.sh bench
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --buildtype=release >/dev/null
	@ninja -C $(BUILD) tsunagu >/dev/null
	@bench/fhir.sh $(BUILD)/tsunagu

bench-directory:
	@scripts/deps.sh bench
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --buildtype=release >/dev/null
	@ninja -C $(BUILD) tsunagu >/dev/null
	@bench/directory.sh $(BUILD)/tsunagu

fuzz:
	@scripts/deps.sh fuzz
	@[ -f $(FUZZ_BUILD)/build.ninja ] || CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	@ninja -C $(FUZZ_BUILD)
	@scripts/fuzz.sh $(FUZZ_BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) web/dist
