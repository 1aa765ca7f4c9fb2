# Two commands do all the set-up: `make lab` (learn) and `make test` (prove every lesson still runs).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.hfcourse-installed
PYTEST_OFFLINE := HFCOURSE_MODE=offline $(BIN)/python -m pytest
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg
# Another machine, simulated on this one: float results move with the CPU, and the stored outputs must hold there too.
# One step below this CPU's vector instructions, for torch, MKL (its matrix products) and numpy: an AVX-512 machine
# runs as an AVX2 one, any other as one with plain AVX. (MKL's fully portable path would be 2.3x slower.)
OTHER_CPU := $(shell grep -qw avx512f /proc/cpuinfo 2>/dev/null \
	&& echo ATEN_CPU_CAPABILITY=avx2 MKL_CBWR=AVX2 || echo ATEN_CPU_CAPABILITY=default MKL_CBWR=AVX) \
	NPY_DISABLE_CPU_FEATURES="AVX512F AVX512_SKX"
OTHER_CPU_COPY := build/other-cpu
# The Simplified Chinese edition: the English lessons' cells, code and ids, with the prose translated
# (hfcourse/dev/editions.py keeps it in step).
ZH_CN := notebooks/zh-CN
# What lessons and benchmarks measure goes to one results file, from which `make readme` renders the README's numbers.
MEASURING := HFCOURSE_RESULTS=$(CURDIR)/benchmarks/results.json HFCOURSE_MODE=offline
RESULTS := $(MEASURING) $(BIN)/python -m hfcourse.dev.results
# What hfcourse prints, in other languages: Babel's extraction (its mapping is in pyproject.toml) and the catalogs.
# tests/test_messages.py extracts with the same options and fails when the committed template is stale.
LOCALE := hfcourse/locale
PYBABEL_EXTRACT := extract -F pyproject.toml -o $(LOCALE)/hfcourse.pot --project=hfcourse --version=0.1.0 \
	--copyright-holder="the hfcourse authors" --add-location=file --no-wrap --sort-output hfcourse
# `make lab`: the folder it opens, and options passed on to `jupyter lab` (the browser test sets both).
LESSONS ?= notebooks
LAB_OPTIONS ?=
# JupyterLab refuses to run as root without --allow-root; root is usual in a container and on CI.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test test-browser thumbnails test-no-network hub install notebooks clean-notebooks translations nbval \
	nbval-other-cpu lint measure readme messages

lab: hub  ## set up, then open JupyterLab on the lessons
	@if [ -n "$(ALLOW_ROOT)" ]; then echo "make lab: running as root (as in a container): JupyterLab starts with --allow-root"; fi
	$(BIN)/jupyter lab $(ALLOW_ROOT) $(LAB_OPTIONS) $(LESSONS)/

test: lint hub  ## set up, the style gate, the unit tests, every lesson under nbval twice (English here, zh-CN on another CPU)
	$(PYTEST_OFFLINE) tests
	$(MAKE) --no-print-directory -j2 --output-sync=target nbval nbval-other-cpu

lint: $(STAMP)  ## the style gate: ruff's lint and format check, on the code and on the lessons' code cells
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

nbval: hub  ## every English lesson under strict nbval, offline, on one thread
	OMP_NUM_THREADS=1 $(PYTEST_OFFLINE) $(NBVAL) notebooks/*.ipynb

# The zh-CN lessons run the English code (only their setup cell differs, asking for Chinese messages: `python -m
# hfcourse.dev.editions check` and tests/test_editions.py hold them to that), so this one pass proves both that the
# stored outputs hold on another CPU and that the Chinese edition runs. A lesson with no zh-CN file yet runs in
# English, so every lesson keeps its other-CPU pass. It runs on a copy (the two runs write their own files).
nbval-other-cpu: hub  ## the zh-CN lessons under strict nbval, as on another CPU, on a copy of them
	rm -rf $(OTHER_CPU_COPY) && mkdir -p $(OTHER_CPU_COPY)/notebooks
	for notebook in notebooks/*.ipynb; do \
		name=$$(basename $$notebook); \
		if [ -f $(ZH_CN)/$$name ]; then cp $(ZH_CN)/$$name $(OTHER_CPU_COPY)/notebooks/; \
		else echo "nbval-other-cpu: no zh-CN $$name yet, running the English one"; cp $$notebook $(OTHER_CPU_COPY)/notebooks/; fi; \
	done
	$(OTHER_CPU) OMP_NUM_THREADS=1 $(PYTEST_OFFLINE) $(NBVAL) $(OTHER_CPU_COPY)/notebooks

test-browser: hub  ## every lesson run from JupyterLab's menus in headless Chromium, as a learner would (needs chromium)
	HFCOURSE_MODE=offline $(BIN)/python -m hfcourse.dev.browser

thumbnails: $(STAMP)  ## the README's lesson pictures, from the screenshots of the last `make test-browser`
	$(BIN)/python -m hfcourse.dev.thumbnails

test-no-network: $(STAMP)  ## `make test` in a network namespace with only loopback up (needs unshare; installs nothing)
	unshare -rn sh -c 'ip link set lo up && $(MAKE) test'

hub: $(STAMP)  ## build the offline course hub if it is missing or stale (seconds when it is up to date)
	$(BIN)/hfcourse hub build

install: $(STAMP)

$(STAMP): requirements/pins.txt requirements/constraints.txt requirements/assets.txt requirements/mirror.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements/pins.txt -c requirements/constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -r requirements/assets.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	# lesson 8's mirror server (olah) needs huggingface_hub>=1.27: a venv of its own, inside $(VENV)
	test -x $(VENV)/olah/bin/python || $(BIN)/python -m venv $(VENV)/olah
	$(VENV)/olah/bin/python -m pip install --quiet --no-deps -r requirements/mirror.txt
	# matplotlib builds its font cache on first import and says so on stderr: do it here, not in a lesson
	$(BIN)/python -c "import matplotlib.font_manager"
	# JupyterLab settings for the course: no news pop-up; lessons that open unmodified (hfcourse/lab.py)
	$(BIN)/hfcourse lab-settings
	touch $(STAMP)

notebooks: hub  ## re-execute every lesson offline, store its outputs (what nbval compares) and record its numbers
	for notebook in notebooks/*.ipynb; do \
		$(RESULTS) time lesson_seconds "$$(basename $$notebook .ipynb | cut -c1-2 | sed 's/^/lesson/')" -- \
			$(BIN)/jupyter nbconvert --to notebook --execute --inplace $$notebook || exit 1; \
	done
	# then the zh-CN edition, brought in step with the English code first; its outputs are its own (its numbers are
	# the English lessons', not recorded again)
	$(BIN)/python -m hfcourse.dev.editions sync
	for notebook in $(wildcard $(ZH_CN)/*.ipynb); do \
		HFCOURSE_MODE=offline $(BIN)/jupyter nbconvert --to notebook --execute --inplace $$notebook || exit 1; \
	done
	$(BIN)/python -m hfcourse.dev.notebooks clean notebooks/*.ipynb $(wildcard $(ZH_CN)/*.ipynb)

measure: hub  ## maintainers: re-measure everything the README reports (about 25 min), then render it
	$(RESULTS) time hub hub_build_seconds -- env HFCOURSE_HUB=$$(mktemp -d)/course-hub $(BIN)/hfcourse hub build
	$(MEASURING) $(BIN)/python benchmarks/dynamic_padding.py
	$(MEASURING) $(BIN)/python benchmarks/hash_throughput.py
	$(MAKE) --no-print-directory notebooks
	$(RESULTS) time make_test make_test_seconds -- env -u HFCOURSE_RESULTS HFCOURSE_HUB=$$(mktemp -d)/course-hub $(MAKE) test
	$(MAKE) --no-print-directory readme

readme: $(STAMP)  ## render the README's measured numbers from benchmarks/results.json and the shipped weights
	$(BIN)/python -m hfcourse.dev.results render

messages: $(STAMP)  ## after changing a message: extract the template, update the catalogs, compile them (commit all three)
	$(BIN)/pybabel $(PYBABEL_EXTRACT)
	$(BIN)/pybabel update -i $(LOCALE)/hfcourse.pot -d $(LOCALE) -D hfcourse --no-wrap --ignore-obsolete
	$(BIN)/pybabel compile -d $(LOCALE) -D hfcourse --statistics

clean-notebooks: $(STAMP)  ## strip volatile metadata from the notebooks (run after executing them)
	$(BIN)/python -m hfcourse.dev.notebooks clean notebooks/*.ipynb $(wildcard $(ZH_CN)/*.ipynb)

translations: $(STAMP)  ## rebuild the zh-CN lessons from the English ones; list the prose to translate and re-execute
	$(BIN)/python -m hfcourse.dev.editions sync
