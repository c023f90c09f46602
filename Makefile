# The two commands of the README: `make dev` runs the product, `make test` tests it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

# checkov pins boto3 and packaging below what the app uses, so it gets its own venv,
# kept inside .venv (ignored by git and ruff). Pinned: new checkov releases add checks.
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV := $(VENV)/checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)

.PHONY: dev test install assets screenshots lint infra-check format clean-db

# The web pages' assets (frontend/package.json): `npm ci` when the lockfile changed, then a
# build into frontend/kado_web/static/kado_web/dist/ (git-ignored), which Django serves.
NPM_STAMP := frontend/node_modules/.installed-lock

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

$(NPM_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: $(NPM_STAMP)
	cd frontend && npm run build --silent

dev: install assets
	DEBUG=1 $(BIN)/kado dev

# Screenshots of the main pages into docs/screenshots/, taken during the browser tests' walk
# (Japanese glyphs need a CJK font on the machine, e.g. Debian's fonts-noto-cjk).
screenshots: install assets
	KADO_SCREENSHOTS=1 DEBUG=1 KADO_TESTING=1 $(BIN)/pytest tests/web_tests/browser -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

$(CHECKOV_STAMP):
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet "checkov==$(CHECKOV_VERSION)"
	rm -f $(CHECKOV_VENV)/.installed-*
	touch $@

# Static checks of infra/terraform: no failed check; every skip is justified in the HCL.
infra-check: $(CHECKOV_STAMP)
	$(CHECKOV_VENV)/bin/checkov -d infra/terraform --framework terraform --quiet --compact --skip-download

test: lint infra-check assets
	DEBUG=1 KADO_TESTING=1 $(BIN)/pytest -n 2 --dist loadfile --durations=15

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean-db: install
	DEBUG=1 $(BIN)/kado db stop
	rm -rf .data
