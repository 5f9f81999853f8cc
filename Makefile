# Leadqual: `make run` to try it, `make test` to test it. Needs only Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint fmt clean messages

run: $(VENV)/.app .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py run_stack

# tests/machine.py installs the Debian packages the tests drive (as root; else it prints
# the command) and picks PostgreSQL and Redis when they answer on their default ports.
test: $(VENV)/.test .env
	$(BIN)/ruff check .
	@exports="$$($(BIN)/python tests/machine.py)" && eval "$$exports" && $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(VENV)/.test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.app: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(VENV)/.app $@

# A development .env with its own secret key; never committed.
.env:
	@printf 'DEBUG=true\nSECRET_KEY=dev-%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(40))')" > $@
	@echo "wrote .env (DEBUG=true, a fresh SECRET_KEY)"

# Refresh the translation catalogue after changing UI strings, then compile it.
messages: $(VENV)/.app
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests \
		--ignore=static --ignore="verification/sandbox/*"
	$(BIN)/python manage.py compilemessages -l zh_Hans

clean:
	rm -rf var/broker var/*.sqlite3* var/celerybeat-schedule*
