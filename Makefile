# thidua-bot — every target installs what it needs into .venv by itself (python3 + pip is all it assumes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run console test lint typecheck pytest fmt bench fuzz migrate lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements-dev.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## run: chạy bot (không có token thì hướng dẫn và mở bảng điều khiển ngoại tuyến)
run: $(STAMP)
	$(BIN)/python -m bot run --offer-console

## console: trò chuyện với bot ngay trong terminal, không cần Telegram (AS=thanhvien: vai thành viên)
AS ?= quantri
console: $(STAMP)
	$(BIN)/python -m bot console --as $(AS)

migrate: $(STAMP)
	$(BIN)/python -m bot migrate

## test: ruff + mypy (strict) + pytest
test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: đo độ chính xác và tốc độ (hỏi đáp, báo cáo, nhắc việc)
bench: $(STAMP)
	$(BIN)/python -m benchmarks

## fuzz: chạy lâu các phép thử ngẫu nhiên (hypothesis) trên mọi hàm đọc số liệu và câu hỏi
fuzz: $(STAMP)
	THIDUA_FUZZ=long $(BIN)/pytest -q tests/core/test_fuzz.py

## lock: regenerate the pinned requirement files (needs network access to PyPI)
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --python-version 3.11 -o requirements.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements-dev.lock

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
