import os

# numpy's BLAS would start a thread per core for every small matrix the statistics
# multiply, and in several web workers at once those threads only wait for each other
# (a randomisation test took 50 times as long on a busy machine). One each is fastest.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
