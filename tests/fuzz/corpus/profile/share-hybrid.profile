# hybrid: the image's MPI stays; only libfabric (and what it needs) comes from the host.
bind /run/cxi                   # Slingshot CXI service device state
host-always libfabric.so.*
host-always libcxi.so.*
