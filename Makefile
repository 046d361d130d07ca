# Two commands set everything up on a fresh machine:
#   make demo   build .venv, get a browser, audit the bundled fixture site, write the scorecard
#   make test   build .venv with test extras, get a browser, run the whole suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test venv browser lint clean bench act

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

browser: venv
	@bash scripts/ensure-browser.sh $(PY)

demo: browser
	$(PY) scripts/demo.py

test: browser
	$(PY) -m pytest -q -p no:cacheprovider tests

lint: venv
	$(PY) -m pip install --quiet -e '.[lint]'
	$(VENV)/bin/ruff check auditor checks tests bench fixtures scripts

bench: browser
	$(PY) -m pip install --quiet -e '.[bench]'
	cd bench && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --silent || echo "npm install failed: pa11y-ci will be skipped"
	$(PY) bench/run.py

# W3C ACT Rules conformance: every ACT test case (../shared/act-rules), scored per rule next to
# the published implementation reports -> docs/act.md, bench/results/act.json, act-earl.json
act: browser
	$(PY) bench/act.py

clean:
	rm -rf $(VENV) reports .idea-audit build *.egg-info
