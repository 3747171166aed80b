# The two set-up commands of the README: `make site` and `make test`.
# Both install exactly what uv.lock names into .venv (every package, with hashes), using uv, which
# itself is installed at a pinned version into build/uv/. `make lock` is the deliberate upgrade.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
TOOLS := build/uv
UV := $(TOOLS)/bin/uv
# uv finds this machine's Python and never downloads one; .venv is the project's environment.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
SYNC := $(UV) sync --locked --python $(PYTHON)
# The real-world import test reads OpenMMLab's metafiles from this wheel (tests use no network,
# so set-up fetches it; offline, the test is skipped with the reason).
MMSEG_WHEEL := build/test-cache/mmsegmentation-1.2.2-py3-none-any.whl
# The accessibility tests run axe-core (from npm, pinned with its registry integrity) in Chromium:
# on the fixtures' site, and (tests/tools/browse_site.py) on the site `segboard check` built from
# data/, with the other reader's checks that hold for any data.
AXE_VERSION := 4.14.1
AXE_INTEGRITY := sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
AXE := build/test-cache/axe-core-$(AXE_VERSION)/axe.min.js

.PHONY: site test lock upgrade-check clean

$(UV): Makefile  # again when UV_VERSION changes
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

site: $(UV)
	$(SYNC) --inexact --quiet
	$(BIN)/segboard build

$(MMSEG_WHEEL): | $(UV)
	-$(TOOLS)/bin/python -m pip download --quiet --disable-pip-version-check --no-deps \
		--dest build/test-cache mmsegmentation==1.2.2

$(AXE):
	$(PYTHON) tests/tools/fetch_npm_file.py axe-core $(AXE_VERSION) $(AXE_INTEGRITY) axe.min.js $@

test: $(UV) $(MMSEG_WHEEL) $(AXE)
	$(SYNC) --extra test --quiet
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	@$(BIN)/python -m pytest --cov; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure here" >&2; fi; \
	test $$status -eq 0
	$(BIN)/segboard check
	$(BIN)/python tests/tools/browse_site.py site --axe $(AXE)

# Refresh uv.lock to the newest versions pyproject.toml allows; commit it after `make test`.
lock: $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

# What the weekly workflow runs: the newest releases, without the lock, through the same suite.
upgrade-check: $(UV)
	rm -rf build/newest
	$(UV) venv --quiet --python $(PYTHON) build/newest
	$(UV) pip install --quiet --python build/newest/bin/python --upgrade -e '.[test]'
	build/newest/bin/mypy
	build/newest/bin/python -m pytest --cov
	build/newest/bin/segboard check

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache .mypy_cache .coverage .coverage.*
