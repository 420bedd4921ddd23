# Everything a fresh clone needs: `make test` sets up .venv, the data, and runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
FASHION_SYSTEM := /usr/share/datasets/fashion-mnist

.PHONY: setup sandbox browser catalogues fonts data test test-fast test-corpus grade bench bench-grade assignments demo regen student-wheel clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

setup: $(STAMP) sandbox

# Debian's packages when apt is usable and we are root: bubblewrap for the grader's sandbox, Fashion-MNIST
# offline. Without them the grader warns that it has no sandbox, and torchvision downloads the data.
APT_INSTALL = (command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	apt-get update -qq && apt-get install -y -qq $(1) >/dev/null)

sandbox:
	@command -v bwrap >/dev/null 2>&1 || $(call APT_INSTALL,bubblewrap) \
		|| echo "bubblewrap is not installed: grading runs without a sandbox (apt-get install bubblewrap)"

# Debian's chromium for the test that opens the feedback pages at a desktop's and a phone's width (it skips,
# saying so, without one).
browser:
	@command -v chromium >/dev/null 2>&1 || $(call APT_INSTALL,chromium) \
		|| echo "chromium is not installed: the browser test of the feedback pages skips (apt-get install chromium)"

# The compiled message catalogues (autograder/locale/*/LC_MESSAGES/*.mo) from their .po files (README: "Languages").
catalogues: $(STAMP)
	$(BIN)/python -m autograder catalogues --compile

# Debian's fonts-nanum: Hangul for the Korean words on the feedback pages' plots and the summary's histograms
# (matplotlib's own font has none; without one, a plot leaves its Korean words to the browser's fonts).
fonts:
	@fc-list :lang=ko 2>/dev/null | grep -q . || $(call APT_INSTALL,fonts-nanum) \
		|| echo "no font with Hangul: Korean plots use the browser's fonts, histograms lack Hangul (apt-get install fonts-nanum)"

data: $(STAMP) sandbox catalogues fonts
	@[ -d $(FASHION_SYSTEM) ] || $(call APT_INSTALL,dataset-fashion-mnist) \
		|| echo "apt-get could not install dataset-fashion-mnist; trying torchvision's download"
	$(BIN)/python -m d2lmini

test: data browser
	$(BIN)/python -m pytest

test-fast: data
	$(BIN)/python -m pytest -m "not slow"

test-corpus: data
	$(BIN)/python -m pytest tests/test_corpus.py

grade: data
	$(BIN)/python -m autograder grade $(ARGS)

bench: data
	$(BIN)/python -m d2lmini.bench

bench-grade: data
	$(BIN)/python -m autograder bench $(ARGS)

# KIT_INSTALL=URL: where the notebooks' setup cell installs the student package from (README: "Students outside
# the course's environment"); without it the release keeps the URL assignments/ has now. KIT_LANG=ko: the
# notebooks' language (kit.language: check()'s messages, the setup cell, the stubs); without it, the one they have.
assignments: $(STAMP)
	$(BIN)/python -m autograder release $(if $(KIT_INSTALL),--kit-install '$(KIT_INSTALL)') $(if $(KIT_LANG),--language '$(KIT_LANG)')

# The student package (d2lmini and check(); torch, torchvision and matplotlib its only dependencies) in dist/.
student-wheel: $(STAMP)
	$(BIN)/python -m autograder wheel --out dist

demo: assignments
	$(BIN)/python -m autograder demo

# After a solution notebook or a task's points changed: the student notebooks, then the demo class, then README.md's
# assignment table, with the venv as it is (only a missing venv is installed first; a test fails while any is
# stale). autograder/README.md, "Adding a task".
regen:
	@[ -x $(BIN)/python ] || $(MAKE) --no-print-directory $(STAMP)
	$(BIN)/python -m autograder release $(if $(KIT_INSTALL),--kit-install '$(KIT_INSTALL)') $(if $(KIT_LANG),--language '$(KIT_LANG)')
	$(BIN)/python -m autograder demo
	$(BIN)/python -m autograder readme

clean:
	rm -rf $(VENV) grading .pytest_cache
