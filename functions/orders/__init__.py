import kernel.startup  # noqa: F401  first of all: the init runs without the garbage collector (decision 70)
