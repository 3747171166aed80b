# The two set-up commands of the README: `make site` and `make test`.
# Both create .venv and install segboard into it on first use (again when pyproject.toml changes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The real-world import test reads OpenMMLab's metafiles from this wheel (tests use no network,
# so set-up fetches it; offline, the test is skipped with the reason).
MMSEG_WHEEL := build/test-cache/mmsegmentation-1.2.2-py3-none-any.whl

.PHONY: site test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/segboard build

$(MMSEG_WHEEL): | $(STAMP)
	-$(BIN)/python -m pip download --quiet --no-deps --dest build/test-cache mmsegmentation==1.2.2

test: $(STAMP) $(MMSEG_WHEEL)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@$(BIN)/python -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure here" >&2; fi; \
	exit $$status

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache
