# launcher: what a rank needs from the launcher that started it (srun, mpiexec), in every
# mode. apptainer/singularity, bwrap and ch-run pass the environment and the open
# descriptors through; podman and docker do not: these variables are passed by name
# (-e NAME, the value is the one the runtime inherits) and the PMI descriptor is kept open
# (podman --preserve-fds).
forward SLURM_*              # srun: job, step and task ids (Slurm's environment of a task)
forward PMI_*                # PMI-1/PMI-2 wiring: PMI_FD, PMI_RANK, PMI_SIZE (srun --mpi=pmi2, Hydra)
forward PMIX_*               # PMIx wiring: server URI, tmpdirs (srun --mpi=pmix)
forward MPIR_CVAR_*          # MPICH settings the run was given (bbd run [env])
forward MPICH_*
forward FI_*                 # libfabric provider choice and tuning
forward UCX_*
forward NCCL_*
forward RCCL_*
forward HSA_*
forward *_VISIBLE_DEVICES
forward BBD_*                # provenance (BBD_PROV_DIR of bbd probe, ...)
pass-fd PMI_FD               # the PMI socket Hydra's proxy and Slurm's mpi/pmi2 hand the rank
bind-env PMIX_SERVER_TMPDIR  # PMIx server sockets of the step (Slurm mpi/pmix)
bind-env PMIX_SYSTEM_TMPDIR
bind /var/spool/slurmd       # slurmd's spool: where Slurm puts the step's PMIx sockets
