# bind: the host MPI and what it needs at run time replace the image's MPI.
# Paths that do not exist on the host are skipped (with --explain saying so).
bind /var/spool/slurmd          # Slurm's spool: PMI/PMIx sockets of the job step
bind /var/spool/slurm           # same, other common location
bind /run/cxi                   # Slingshot CXI service device state
bind /opt/cray                  # Cray PE: cray-mpich, Cray libfabric, PMI, PALS
bind /usr/lib64/libcxi.so.1     # libcxi outside the loader's default dirs on SLES hosts
mpi-prefix                      # the host MPI's own prefix (data files, helper programs)
# Network and launcher libraries must match the host's driver and daemons:
host-always libfabric.so.*
host-always libcxi.so.*
host-always libpmi.so.*
host-always libpmi2.so.*
host-always libpmix.so.*
host-always libpals.so.*
