"""pytest's set-up for the whole book: the notebooks' kernels (strict nbval) start with the same
BLAS kernels on every CPU, as `mlsys.notebooks.execute` ran them when their outputs were stored."""

from mlsys.notebooks import pin_blas_kernels

pin_blas_kernels()
