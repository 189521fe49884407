# +gtl: Cray's GPU Transfer Library is preloaded; cray-mpich then accepts GPU buffers.
env MPICH_GPU_SUPPORT_ENABLED=1
