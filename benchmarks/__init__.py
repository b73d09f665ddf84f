"""The book's benchmarks: ``python -m benchmarks`` measures and prints every figure."""
