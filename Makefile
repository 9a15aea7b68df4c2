# Everything a person does starts here. Only Python 3.11 and make are needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench messages lock check-deploy worker clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (or run: make PYTHON=python3 ...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_schedules
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) -m pytest tests/benchmarks -p no:cacheprovider -s -o addopts="" $(PYTEST_ARGS)

messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

check-deploy: $(STAMP)
	env -u DJANGO_ALLOW_ASYNC_UNSAFE DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=midpage.example.com DATABASE_URL=sqlite:////tmp/midpage-deploy-check.sqlite3 \
	$(PY) manage.py check --deploy --fail-level WARNING

worker: $(STAMP)
	$(VENV)/bin/celery -A config worker -B -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler

# Re-pin after editing pyproject.toml: resolves the declared ranges in a scratch venv.
lock:
	rm -rf /tmp/midpage-lock && $(PYTHON) -m venv /tmp/midpage-lock
	/tmp/midpage-lock/bin/pip install --quiet '.[dev]'
	/tmp/midpage-lock/bin/pip freeze --exclude midpage | sed '1i # Exact versions for reproducible installs. Regenerate with `make lock` after editing pyproject.toml.' > requirements.lock

clean:
	rm -rf $(VENV) db.sqlite3 media
